import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect, createMemoryDedupeStore } from '@tributary/core';
import { waitFor } from '@tributary/core/internal';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDb } from './test-support/temp-db.js';

const WORKER = fileURLToPath(new URL('./test-support/outbox-crash-worker.ts', import.meta.url));
const KILLS = Number(process.env.TRIB_CRASH_KILLS ?? 6);

function start(logDir: string, dbFile: string, mode: 'append' | 'drain', first: number) {
  const args = [
    '--conditions=@tributary/source',
    '--import',
    'tsx',
    WORKER,
    logDir,
    dbFile,
    mode,
    String(first),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const acked: number[] = [];
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('acked ')) acked.push(Number(line.slice(6)));
    else lines.push(line);
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, acked, said: (word: string) => lines.includes(word), exited };
}

describe('transactional outbox on SQLite, across kill -9', () => {
  const db = tempDb('tributary-outbox-crash-');
  const logDir = path.join(db.dir, 'log');
  afterAll(() => db.cleanup());

  it(`publishes every acknowledged append, seen once by a deduping consumer, across ${KILLS} kills`, async () => {
    const acked = new Set<number>();
    let first = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const run = start(logDir, db.file, 'append', first);
      await waitFor(() => run.said('ready'), { timeoutMs: 30_000, message: 'the worker to start' });
      // Kill at a random moment: mid-append, between commit and relay, or between publish and mark.
      const target = 20 + Math.floor(Math.random() * 200);
      await waitFor(() => run.acked.length >= target, { timeoutMs: 30_000, message: 'appends' });
      run.child.kill('SIGKILL');
      await run.exited;
      for (const n of run.acked) acked.add(n);
      first = Math.max(first, ...run.acked) + 100; // numbers of unacknowledged appends are never reused
    }
    const drain = start(logDir, db.file, 'drain', 0);
    await waitFor(() => drain.said('drained'), { timeoutMs: 60_000, message: 'the outbox to drain' });
    await drain.exited;

    const bus = await connect(`file:${logDir}`);
    const counts = new Map<number, number>();
    const { partitions } = await bus.log.describeTopic('counted');
    const published = partitions.reduce((sum, p) => sum + p.latestOffset - p.earliestOffset, 0n);
    const sub = await bus.subscribe({
      group: 'checker',
      topics: ['counted'],
      from: 'earliest',
      dedupe: createMemoryDedupeStore(),
      handler: (event) => {
        const { n } = event.data as { n: number };
        counts.set(n, (counts.get(n) ?? 0) + 1);
      },
    });
    try {
      await waitFor(() => [...acked].every((n) => counts.has(n)), {
        timeoutMs: 30_000,
        message: 'every acknowledged event to be consumed',
      });
      expect(
        [...counts.values()].every((c) => c === 1),
        'each event handled once',
      ).toBe(true);
      expect(Number(published)).toBeGreaterThanOrEqual(acked.size);
    } finally {
      await sub.stop();
      await bus.close();
    }
  }, 240_000);
});
