import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileLog } from '../file-log.js';
import { tempDir } from '../test-support/harness.js';

describe('data directory ownership', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('refuses a second opener in the same process, naming the holder', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const log = FileLog.open(t.dir);
    expect(() => FileLog.open(t.dir)).toThrow(
      expect.objectContaining({
        code: 'DATA_DIR_LOCKED',
        message: expect.stringContaining(`held by this process`),
      }),
    );
    await log.close();
    await FileLog.open(t.dir).close(); // released on close
  });

  it('refuses an opener while another live process holds the directory', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    // A live process that is not us: the parent of this test runner shell is as good as any.
    fs.writeFileSync(
      path.join(t.dir, '.lock'),
      JSON.stringify({ pid: process.ppid, hostname: os.hostname(), since: 'now' }),
    );
    expect(() => FileLog.open(t.dir)).toThrow(
      expect.objectContaining({
        code: 'DATA_DIR_LOCKED',
        message: expect.stringContaining(`process ${process.ppid}`),
      }),
    );
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    fs.writeFileSync(
      path.join(t.dir, '.lock'),
      JSON.stringify({ pid: Number(dead), hostname: os.hostname(), since: 'then' }),
    );
    const log = FileLog.open(t.dir);
    expect(JSON.parse(fs.readFileSync(path.join(t.dir, '.lock'), 'utf8')).pid).toBe(process.pid);
    await log.close();
    expect(fs.existsSync(path.join(t.dir, '.lock'))).toBe(false);
  });
});
