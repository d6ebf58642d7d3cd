import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertSecure, ConfigError, isLoopback, loadConfig, resolveConfig } from './config.js';
import { main } from './main.js';
import { startServer } from './server.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tributary-config-'));
  dirs.push(dir);
  return dir;
}

function configOf(argv: string[], env: Record<string, string> = {}, cwd = tempDir()) {
  const loaded = loadConfig({ argv, env, cwd });
  if (loaded.help) throw new Error('unexpected --help');
  return loaded.config;
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error) return err;
  }
  throw new Error('expected a throw');
}

describe('server configuration', () => {
  it('defaults to ./data on 127.0.0.1:8080 without auth', () => {
    expect(configOf([])).toEqual({
      data: './data',
      host: '127.0.0.1',
      port: 8080,
      logLevel: 'info',
      maxBodyBytes: 1024 * 1024,
      sessionTimeoutMs: 30_000,
      shutdownTimeoutMs: 10_000,
      eventStore: true,
      autoCreateTopics: false,
    });
  });

  it('layers the config file, the environment and flags, in that order', () => {
    const cwd = tempDir();
    writeFileSync(
      path.join(cwd, 'tributary.config.json'),
      JSON.stringify({ data: 'from-file', port: 9000, keysFile: 'keys.json', host: '0.0.0.0' }),
    );
    const config = configOf(
      ['--port', '9002', '--no-event-store'],
      { TRIB_PORT: '9001', TRIB_DATA_DIR: '/env/data' },
      cwd,
    );
    expect(config).toMatchObject({
      data: '/env/data',
      port: 9002,
      host: '0.0.0.0',
      keysFile: path.join(cwd, 'keys.json'), // relative to the config file
      eventStore: false,
    });
  });

  it('names each bad setting and where it came from', () => {
    const error = thrown(() =>
      configOf(['--port', 'eighty'], { TRIB_LOG_LEVEL: 'loud', TRIB_MAX_BODY_BYTES: '-1' }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('port (from --port)');
    expect(error.message).toContain('logLevel (from TRIB_LOG_LEVEL)');
    expect(error.message).toContain('maxBodyBytes (from TRIB_MAX_BODY_BYTES)');
  });

  it('rejects unknown flags, unknown config file keys and unreadable config files', () => {
    expect(thrown(() => configOf(['--prot', '1'])).message).toContain("'--prot'");
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'tributary.config.json'), JSON.stringify({ prot: 1 }));
    expect(thrown(() => configOf([], {}, cwd)).message).toContain('unknown key(s) "prot"');
    expect(thrown(() => configOf(['--config', 'missing.json'])).message).toContain('missing.json');
    expect(() => resolveConfig({ port: 70_000 })).toThrow(/port: .*65535/);
  });

  it('refuses a non-loopback host without API keys, saying how to configure them', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    const error = thrown(() => assertSecure(resolveConfig({ host: '0.0.0.0' })));
    expect(error.message).toMatch(/--keys-file/);
    expect(error.message).toMatch(/TRIB_KEYS_FILE/);
    expect(() => assertSecure(resolveConfig({ host: '0.0.0.0', keysFile: 'keys.json' }))).not.toThrow();
  });
});

describe('the server entry point', () => {
  const io = () => {
    const lines = { out: [] as string[], err: [] as string[] };
    return { lines, io: { out: (l: string) => lines.out.push(l), err: (l: string) => lines.err.push(l) } };
  };

  it('exits 2 for an insecure or invalid configuration, before opening anything', async () => {
    const data = path.join(tempDir(), 'never-created');
    const insecure = io();
    expect(await main(['--host', '0.0.0.0', '--data', data], {}, insecure.io)).toBe(2);
    expect(insecure.lines.err.join('\n')).toContain('Refusing to listen on 0.0.0.0 without API keys');
    const invalid = io();
    expect(await main(['--port', 'x'], {}, invalid.io)).toBe(2);
    expect(invalid.lines.err.join('\n')).toContain('port (from --port)');
    const keys = io();
    expect(
      await main(['--keys-file', path.join(data, 'missing-keys.json'), '--data', data], {}, keys.io),
    ).toBe(2);
    const help = io();
    expect(await main(['--help'], {}, help.io)).toBe(0);
    expect(help.lines.out[0]).toContain('--keys-file');
  });

  it('starts on port 0 and reports the real port', async () => {
    const running = await startServer({ port: 0, data: tempDir(), logLevel: 'silent' });
    try {
      expect(running.port).toBeGreaterThan(0);
      const response = await fetch(`${running.url}/readyz`);
      expect(await response.json()).toEqual({ status: 'ok' });
    } finally {
      await running.close();
    }
  });
});
