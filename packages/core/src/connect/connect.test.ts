import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Bus } from '../bus/bus.js';
import { OrderPlaced } from '../bus/test-support/fixtures.js';
import { createMemoryLog } from '../memory/memory-log.js';
import { connect, connectWith } from './connect.js';
import { parseConnectionString } from './schemes.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-connect-'));
  dirs.push(dir);
  return dir;
}

describe('connect', () => {
  it('opens an in-memory bus for "memory:"', async () => {
    const bus = await connect('memory:');
    expect(bus).toBeInstanceOf(Bus);
    await bus.createTopic('orders');
    const result = await bus.publish(OrderPlaced.create({ orderId: 'o', n: 1 }));
    expect(result).toEqual({ topic: 'orders', partition: 0, offset: 0n });
    await bus.close();
  });

  it('uses a given Log adapter for { log } and closes it with the bus', async () => {
    const log = createMemoryLog();
    const bus = await connect({ log });
    expect(bus.log).toBe(log);
    await bus.close();
    await expect(log.listTopics()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('opens the embedded file log for "file:<dir>", durable across reconnects', async () => {
    const dir = tempDir();
    const first = await connect(`file:${dir}`);
    await first.createTopic('orders');
    await first.publish(OrderPlaced.create({ orderId: 'o', n: 1 }));
    await first.close();
    const second = await connect(dir);
    expect(await second.log.latestOffset('orders', 0)).toBe(1n);
    await second.close();
  });

  it('rejects kafka:, postgres: and nats: with UNSUPPORTED_CONNECTION naming the supported schemes', async () => {
    for (const target of ['kafka://broker:9092', 'postgres://user:secret@db/x', 'nats://n:4222']) {
      const attempt = connect(target);
      await expect(attempt).rejects.toMatchObject({
        code: 'UNSUPPORTED_CONNECTION',
        message: expect.stringMatching(/is not supported yet\. Supported: file:<directory>.*memory:/),
      });
      // The rest of the string may hold credentials: it is not echoed.
      await expect(attempt).rejects.not.toMatchObject({ message: expect.stringContaining('secret') });
    }
    await expect(connect('ftp://x')).rejects.toMatchObject({
      code: 'UNSUPPORTED_CONNECTION',
      message: expect.stringContaining('"ftp:" is unknown'),
    });
  });

  it('says to install @tributary/log when a file: connection cannot load it', async () => {
    const missing = Object.assign(new Error("Cannot find package '@tributary/log'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(connectWith('file:./data', undefined, () => Promise.reject(missing))).rejects.toMatchObject({
      code: 'UNSUPPORTED_CONNECTION',
      message: expect.stringContaining('is not installed: run `npm install @tributary/log`'),
      cause: missing,
    });
    await expect(connectWith('file:./data', undefined, async () => ({ other: 1 }))).rejects.toMatchObject({
      code: 'UNSUPPORTED_CONNECTION',
      message: expect.stringContaining('has no openFileLog'),
    });
  });

  it('rejects a memory: location, an empty string and a non-log object with INVALID_ARGUMENT', async () => {
    await expect(connect('memory:foo')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(connect('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const notALog: unknown = { log: { append: () => {} } };
    await expect(connect(notALog as { log: ReturnType<typeof createMemoryLog> })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('needs a Log adapter'),
    });
  });

  it('closes the log it opened when the bus options are invalid', async () => {
    const dir = tempDir();
    await expect(connect(`file:${dir}`, { clientId: 'bad id!' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    // The directory is not left locked.
    const bus = await connect(`file:${dir}`);
    await bus.close();
  });
});

describe('parseConnectionString', () => {
  it('reads schemes, file paths, file URLs and bare paths', () => {
    expect(parseConnectionString('memory:')).toEqual({ scheme: 'memory', location: '' });
    expect(parseConnectionString('file:./data')).toEqual({ scheme: 'file', location: './data' });
    expect(parseConnectionString('FILE:/var/lib/t')).toEqual({ scheme: 'file', location: '/var/lib/t' });
    expect(parseConnectionString('file:///var/lib/t')).toEqual({ scheme: 'file', location: '/var/lib/t' });
    expect(parseConnectionString('./data')).toEqual({ scheme: 'file', location: './data' });
    expect(parseConnectionString('C:\\data')).toEqual({ scheme: 'file', location: 'C:\\data' });
    expect(parseConnectionString('kafka://b:9092')).toEqual({ scheme: 'kafka', location: '//b:9092' });
  });

  it('rejects "file:" without a directory', () => {
    expect(() => parseConnectionString('file:')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
