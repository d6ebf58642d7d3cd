import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Log } from '@tributary/core';
import { FileLog } from '../file-log.js';
import type { FileLogOptions } from '../options.js';

/** A fresh temporary data directory, removed by `cleanup`. */
export function tempDir(prefix = 'tributary-log-'): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The conformance harness for the embedded log: a temp dir per test, reopenable. */
export function fileLogHarness(options: FileLogOptions = { retentionCheckIntervalMs: 0 }) {
  const { dir, cleanup } = tempDir();
  let current: FileLog | undefined;
  const asFileLog = (log: Log): FileLog => {
    if (!(log instanceof FileLog)) throw new Error('the file-log harness was given another adapter');
    return log;
  };
  return {
    async open() {
      current = FileLog.open(dir, options);
      return current;
    },
    async reopen(log: Log) {
      await log.close();
      current = FileLog.open(dir, options);
      return current;
    },
    async enforceRetention(log: Log) {
      await asFileLog(log).enforceRetention();
    },
    async cleanup() {
      await current?.close();
      cleanup();
    },
  };
}
