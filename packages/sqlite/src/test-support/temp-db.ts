import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A fresh temporary directory with a database path in it; `cleanup` removes both. */
export function tempDb(prefix = 'tributary-sqlite-'): { dir: string; file: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    file: path.join(dir, 'tributary.db'),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
