import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StorageError } from '@tributary/core';

const LOCK_FILE = '.lock';

interface Holder {
  pid: number;
  hostname: string;
  since: string;
}

/**
 * Exclusive ownership of a data directory by one process: a lock file created with O_EXCL holding
 * the owner's pid and host. A lock left by a process that no longer runs (killed with SIGKILL) is
 * taken over; a live holder — another process, or this one opening the directory twice — is refused
 * with `DATA_DIR_LOCKED` naming it.
 */
export class DataDirLock {
  private constructor(private readonly file: string) {}

  static acquire(dir: string): DataDirLock {
    const file = path.join(dir, LOCK_FILE);
    const me: Holder = { pid: process.pid, hostname: os.hostname(), since: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
        return new DataDirLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = readHolder(file);
      if (holder && isAlive(holder)) {
        const who =
          holder.pid === process.pid ? 'this process (it is already open here)' : `process ${holder.pid}`;
        throw new StorageError(
          'DATA_DIR_LOCKED',
          `Data directory ${dir} is held by ${who} on ${holder.hostname} since ${holder.since}. ` +
            'Stop that process, close the other log, or use another directory.',
        );
      }
      fs.rmSync(file, { force: true }); // stale: its owner is gone
    }
    throw new StorageError(
      'DATA_DIR_LOCKED',
      `Could not lock data directory ${dir}: another process keeps racing for it.`,
    );
  }

  release(): void {
    fs.rmSync(this.file, { force: true });
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'pid' in parsed && typeof parsed.pid === 'number') {
      const { hostname, since } = parsed as Partial<Holder>;
      return { pid: parsed.pid, hostname: hostname ?? 'unknown host', since: since ?? 'an unknown time' };
    }
  } catch {
    // unreadable or half-written: treated as stale
  }
  return undefined;
}

function isAlive(holder: Holder): boolean {
  if (holder.hostname !== os.hostname()) return true; // cannot check another host: assume it is alive
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
