import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LogRecord } from '@tributary/core';
import { waitFor } from '@tributary/core/internal';
import { afterAll, describe, expect, it } from 'vitest';
import { FileLog } from './file-log.js';
import { crashRecord } from './test-support/crash-records.js';
import { tempDir } from './test-support/harness.js';

const WRITER = fileURLToPath(new URL('./test-support/crash-writer.ts', import.meta.url));
const KILLS = Number(process.env.TRIB_CRASH_KILLS ?? 20);

interface Ack {
  partition: number;
  baseOffset: bigint;
  run: string;
  seq: number;
  count: number;
}

/** Starts the writer; resolves its acks as they are printed. */
function startWriter(dir: string, run: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@tributary/source', '--import', 'tsx', WRITER, dir, run],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const acks: Ack[] = [];
  let ready = false;
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    if (line === 'ready') ready = true;
    const m = /^ack (\d) (\d+) (\S+) (\d+) (\d+)$/.exec(line);
    if (m)
      acks.push({
        partition: Number(m[1]),
        baseOffset: BigInt(m[2]!),
        run: m[3]!,
        seq: Number(m[4]),
        count: Number(m[5]),
      });
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, acks, isReady: () => ready, exited };
}

function sameRecord(actual: LogRecord, expected: ReturnType<typeof crashRecord>): boolean {
  const eq = (a: Uint8Array | null, b: Uint8Array | null) =>
    a === null || b === null ? a === b : Buffer.compare(a, b) === 0;
  return (
    eq(actual.key, expected.key) &&
    eq(actual.value, expected.value) &&
    actual.timestamp === expected.timestamp &&
    actual.headers.length === expected.headers.length &&
    actual.headers.every(
      (h, i) => h.key === expected.headers[i]!.key && eq(h.value, expected.headers[i]!.value),
    )
  );
}

describe('crash safety of the embedded log', () => {
  const t = tempDir('tributary-crash-');
  afterAll(() => t.cleanup());

  it(`keeps every acknowledged record across ${KILLS} SIGKILLs at random moments`, async () => {
    const acked: Ack[] = [];
    let latest: bigint[] = [0n, 0n];
    for (let kill = 0; kill < KILLS; kill++) {
      const writer = startWriter(t.dir, `r${kill}`);
      await waitFor(writer.isReady, { timeoutMs: 20_000, message: 'the writer to open the log' });
      // Kill after a random number of acknowledgements (sometimes none): at a random point of a write.
      const target = Math.floor(Math.random() * 60);
      await waitFor(() => writer.acks.length >= target, { timeoutMs: 20_000, message: `${target} acks` });
      await new Promise((r) => setTimeout(r, Math.random() * 15));
      writer.child.kill('SIGKILL');
      await writer.exited;
      // New appends continued exactly where the previous recovery ended.
      for (const p of [0, 1]) {
        const offsets = writer.acks.filter((a) => a.partition === p).map((a) => a.baseOffset);
        const lowest = offsets.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[0];
        if (lowest !== undefined) expect(lowest).toBe(latest[p]);
      }
      acked.push(...writer.acks);

      const log = FileLog.open(t.dir, { logger: { warn: () => {} } });
      try {
        latest = [await log.latestOffset('crash', 0), await log.latestOffset('crash', 1)];
        for (const ack of acked) {
          const r = await log.fetch('crash', ack.partition, ack.baseOffset, { maxRecords: ack.count });
          expect(r.records.map((rec) => rec.offset)).toEqual(
            Array.from({ length: ack.count }, (_, i) => ack.baseOffset + BigInt(i)),
          );
          r.records.forEach((rec, i) => {
            expect(
              sameRecord(rec, crashRecord(ack.run, ack.seq, i)),
              `record ${ack.run}:${ack.seq}:${i}`,
            ).toBe(true);
          });
        }
        // The whole log reads to the end without error.
        for (const p of [0, 1]) {
          let offset = 0n;
          while (offset < latest[p]!) offset = (await log.fetch('crash', p, offset)).nextOffset;
          expect(offset).toBe(latest[p]);
        }
      } finally {
        await log.close();
      }
    }
    expect(acked.length).toBeGreaterThan(KILLS * 5);
  }, 180_000);
});
