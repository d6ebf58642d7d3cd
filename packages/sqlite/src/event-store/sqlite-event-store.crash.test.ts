import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { EventStore } from '@tributary/core';
import { waitFor } from '@tributary/core/internal';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDb } from '../test-support/temp-db.js';
import { openSqliteEventStore } from './sqlite-event-store.js';
import { placed } from './test-support/events.js';

const WORKER = fileURLToPath(new URL('./test-support/crash-worker.ts', import.meta.url));
const KILLS = Number(process.env.TRIB_CRASH_KILLS ?? 5);

interface Ack {
  readonly stream: string;
  readonly version: bigint;
  readonly position: bigint;
  readonly ids: readonly string[];
}

/** Starts the worker on `file`; collects its acknowledged appends. */
function startWorker(file: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@tributary/source', '--import', 'tsx', WORKER, file],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const acks: Ack[] = [];
  let ready = false;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line === 'ready') ready = true;
    const m = /^ack (\S+) (\d+) (\d+) (\S+)$/.exec(line);
    if (m)
      acks.push({ stream: m[1]!, version: BigInt(m[2]!), position: BigInt(m[3]!), ids: m[4]!.split(',') });
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, acks, exited, isReady: () => ready };
}

/** Every acknowledged event is stored where the ack said; versions are 1..n; positions increase. */
async function verify(store: EventStore, acks: readonly Ack[]): Promise<number> {
  const all = [];
  for (let after = 0n; ; ) {
    const page = await store.readAll({ after, maxCount: 1000 });
    if (page.length === 0) break;
    all.push(...page);
    after = page[page.length - 1]!.position;
  }
  for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
  const byId = new Map(all.map((r) => [r.event.id, r]));
  for (const ack of acks) {
    const stored = ack.ids.map((id) => byId.get(id));
    expect(
      stored.every((r) => r?.stream === ack.stream),
      `acked events of ${ack.stream} are stored`,
    ).toBe(true);
    expect(stored.at(-1)).toMatchObject({ version: ack.version, position: ack.position });
  }
  const streams = new Set(all.map((r) => r.stream));
  let total = 0;
  for (const stream of streams) {
    const versions = (await store.readStream(stream)).map((r) => r.version);
    expect(versions).toEqual(versions.map((_, i) => BigInt(i + 1)));
    expect((await store.getStream(stream))?.version).toBe(BigInt(versions.length));
    total += versions.length;
  }
  expect(total).toBe(all.length);
  return all.length;
}

describe('sqlite event store across crashes', () => {
  const temp = tempDb('tributary-es-crash-');
  afterAll(() => temp.cleanup());

  it(`keeps every acknowledged append across ${KILLS} SIGKILLs during concurrent appends`, async () => {
    const acks: Ack[] = [];
    let stored = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const worker = startWorker(temp.file);
      await waitFor(worker.isReady, { timeoutMs: 20_000, message: 'the worker to open the store' });
      const target = 5 + Math.floor(Math.random() * 60);
      await waitFor(() => worker.acks.length >= target, { timeoutMs: 20_000, message: `${target} acks` });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
      worker.child.kill('SIGKILL');
      await worker.exited;
      acks.push(...worker.acks);

      const store = await openSqliteEventStore(temp.file);
      try {
        const count = await verify(store, acks);
        expect(count).toBeGreaterThanOrEqual(stored);
        // Appends go on where the stream left off.
        const version = (await store.getStream('crash-0'))?.version ?? 0n;
        const next = await store.appendToStream('crash-0', [placed('after-crash')], {
          expectedVersion: version,
        });
        expect(next.nextExpectedVersion).toBe(version + 1n);
        stored = count + 1;
      } finally {
        await store.close();
      }
    }
    expect(acks.length).toBeGreaterThanOrEqual(KILLS * 5);
  }, 120_000);
});
