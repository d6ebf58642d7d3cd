import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect, defineEvent } from '@tributary/core';
import { waitFor } from '@tributary/core/internal';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tempDb } from './test-support/temp-db.js';

const SUBSCRIBER = fileURLToPath(new URL('./test-support/exactly-once-subscriber.ts', import.meta.url));
const Paid = defineEvent('payment.captured', {
  version: 1,
  schema: z.object({ n: z.number() }),
  topic: 'payments',
});
const EVENTS = 3000;
const KILLS = Number(process.env.TRIB_CRASH_KILLS ?? 8);

/** Effect rows so far (0 while the table does not exist yet). */
function countEffects(file: string): { rows: number; distinct: number } {
  if (!fs.existsSync(file)) return { rows: 0, distinct: 0 };
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT count(*) AS rows, count(DISTINCT event_id) AS uniq FROM effects').get() as
      | { rows: number; uniq: number }
      | undefined;
    return { rows: row?.rows ?? 0, distinct: row?.uniq ?? 0 };
  } catch (err) {
    if (/no such table/.test((err as Error).message)) return { rows: 0, distinct: 0 }; // not created yet
    throw err;
  } finally {
    db.close();
  }
}

function start(dir: string, dbFile: string) {
  const args = ['--conditions=@tributary/source', '--import', 'tsx', SUBSCRIBER, dir, dbFile];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let ready = false;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line === 'ready') ready = true;
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, isReady: () => ready, exited };
}

describe('subscribe, exactly-once on SQLite, across crashes', () => {
  const db = tempDb('tributary-eo-crash-');
  const logDir = path.join(db.dir, 'log');
  afterAll(() => db.cleanup());

  it(`applies every event's effect exactly once across ${KILLS} kill -9 between effect and offset commit`, async () => {
    const bus = await connect(`file:${logDir}`);
    await bus.createTopic('payments');
    for (let i = 0; i < EVENTS; i += 500) {
      await bus.publishBatch(Array.from({ length: 500 }, (_, j) => Paid.create({ n: i + j })));
    }
    await bus.close();

    for (let kill = 0; kill < KILLS; kill++) {
      const before = countEffects(db.file).rows;
      const run = start(logDir, db.file);
      await waitFor(run.isReady, { timeoutMs: 20_000, message: 'the subscriber to start' });
      // Kill once it made some progress: its effects are committed in SQLite, its log offsets
      // (committed every second) mostly not yet, so the restart redelivers what it already applied.
      const target = before + 1 + Math.floor(Math.random() * 300);
      await waitFor(() => countEffects(db.file).rows >= Math.min(target, EVENTS), {
        timeoutMs: 20_000,
        message: 'progress',
      });
      run.child.kill('SIGKILL');
      await run.exited;
      const now = countEffects(db.file);
      expect(now.rows, 'no effect applied twice').toBe(now.distinct);
    }
    const last = start(logDir, db.file);
    await waitFor(() => countEffects(db.file).rows >= EVENTS, {
      timeoutMs: 60_000,
      message: 'all events applied',
    });
    last.child.kill('SIGKILL');
    await last.exited;
    expect(countEffects(db.file)).toEqual({ rows: EVENTS, distinct: EVENTS });
  }, 180_000);
});
