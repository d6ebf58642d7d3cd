import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('createLogger', () => {
  it('writes one JSON object per line, at the level asked for', () => {
    const out = sink();
    const logger = createLogger({ level: 'warn', pretty: false, destination: out.stream });
    logger.info('not shown');
    logger.warn({ topic: 'orders' }, 'slow fsync');
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 40,
      name: 'tributary',
      topic: 'orders',
      msg: 'slow fsync',
    });
  });

  it('redacts API keys in logged request headers', () => {
    const out = sink();
    const logger = createLogger({ pretty: false, destination: out.stream });
    logger.info(
      { req: { headers: { authorization: 'Bearer trib_x_secret', 'x-api-key': 'trib_y_secret' } } },
      'request',
    );
    expect(out.text()).not.toContain('secret');
    expect(out.text()).toContain('[redacted]');
  });

  it('writes readable lines when pretty', () => {
    const out = sink();
    const logger = createLogger({ pretty: true, destination: out.stream });
    logger.info({ port: 8080 }, 'tributary listening');
    expect(out.text()).toMatch(/INFO.*tributary listening/);
    expect(() => JSON.parse(out.text())).toThrow();
  });

  it('rejects an unknown level, listing the known ones', () => {
    expect(() => createLogger({ level: 'verbose' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('info, debug') }),
    );
  });
});
