import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { orderAt, orderJson } from '../events.js';
import type { BenchSystem, SystemSession } from './types.js';

/** Events pre-serialized once: the ceiling measures the disk, not JSON.stringify. */
function preSerialized(count: number): { bytes: Buffer; eventBytes: number } {
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) parts.push(Buffer.from(orderJson(orderAt(i))));
  const bytes = Buffer.concat(parts);
  return { bytes, eventBytes: bytes.length / count };
}

/**
 * The physical ceiling: pre-serialized events appended to one file, one write + fdatasync per
 * batch, with synchronous calls (no thread pool hop). Nothing durable can beat this row.
 */
export const disk: BenchSystem = {
  name: 'disk',
  note: 'ceiling: pre-serialized, 1 write + fdatasync per batch',
  async open(): Promise<SystemSession> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-bench-disk-'));
    const file = path.join(dir, 'events.bin');
    const fd = fs.openSync(file, 'w+');
    const chunk = preSerialized(1000);
    let written = 0;
    return {
      async publishBatch(gen, size) {
        gen.skip(size);
        let left = size;
        while (left > 0) {
          const n = Math.min(left, 1000);
          fs.writeSync(fd, chunk.bytes, 0, Math.round(n * chunk.eventBytes));
          left -= n;
        }
        fs.fdatasyncSync(fd);
        written += size;
      },
      async readAll() {
        const buf = Buffer.allocUnsafe(1 << 20);
        let pos = 0;
        for (;;) {
          const n = fs.readSync(fd, buf, 0, buf.length, pos);
          if (n === 0) break;
          pos += n;
        }
        return Math.min(written, Math.floor(pos / chunk.eventBytes));
      },
      async close() {
        fs.closeSync(fd);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
