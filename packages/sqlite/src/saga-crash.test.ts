import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect } from '@tributary/core';
import { waitFor } from '@tributary/core/internal';
import { afterAll, describe, expect, it } from 'vitest';
import { OrderCreated, openEffects, runSagaSystem, TOPICS } from './test-support/saga-system.js';
import { tempDb } from './test-support/temp-db.js';

const WORKER = fileURLToPath(new URL('./test-support/saga-crash-worker.ts', import.meta.url));
const ORDERS = Number(process.env.TRIB_SAGA_COUNT ?? 120);
const KILLS = Number(process.env.TRIB_CRASH_KILLS ?? 4);

/** What each order ends as, and the effects it leaves (see `failByRemainder`). */
const EXPECTED: readonly { status: string; effects: string[]; outcome: string }[] = [
  {
    status: 'completed',
    effects: ['payment.process', 'shipping.ship', 'stock.reserve'],
    outcome: 'order.completed',
  },
  { status: 'compensated', effects: [], outcome: 'order.cancelled' },
  { status: 'compensated', effects: ['payment.process', 'payment.refund'], outcome: 'order.cancelled' },
  {
    status: 'compensated',
    effects: ['payment.process', 'payment.refund', 'stock.release', 'stock.reserve'],
    outcome: 'order.cancelled',
  },
];

function startWorker(dir: string) {
  const child = spawn(process.execPath, ['--conditions=@tributary/source', '--import', 'tsx', WORKER, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let ready = false;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line === 'ready') ready = true;
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, exited, isReady: () => ready };
}

/** Command deliveries the services logged so far (0 before their database exists). */
function deliveries(dir: string): number {
  if (!fs.existsSync(path.join(dir, 'effects.db'))) return 0;
  const db = openEffects(dir, true);
  try {
    return (db.prepare('SELECT count(*) AS n FROM received').get() as { n: number }).n;
  } catch (err) {
    if (/no such table/.test((err as Error).message)) return 0;
    throw err;
  } finally {
    db.close();
  }
}

describe('sagas across crashes (file log + SQLite store)', () => {
  const temp = tempDb('tributary-saga-crash-');
  afterAll(() => temp.cleanup());

  it(`completes or fully compensates each of ${ORDERS} sagas across ${KILLS} kill -9, no action taken twice`, async () => {
    const bus = await connect(`file:${path.join(temp.dir, 'log')}`);
    for (const topic of TOPICS) await bus.createTopic(topic);
    await bus.publishBatch(
      Array.from({ length: ORDERS }, (_, n) =>
        OrderCreated.create({ orderId: `o-${n}`, n }, { correlationid: `o-${n}` }),
      ),
    );
    await bus.close();

    for (let kill = 0; kill < KILLS; kill++) {
      const before = deliveries(temp.dir);
      const worker = startWorker(temp.dir);
      await waitFor(worker.isReady, { timeoutMs: 30_000, message: 'the worker to start' });
      // Sometimes right away (while it recovers), mostly in the middle of the flow.
      const target = before + Math.floor(Math.random() * 50);
      await waitFor(() => deliveries(temp.dir) >= target, {
        timeoutMs: 30_000,
        message: `${target} deliveries`,
      });
      worker.child.kill('SIGKILL');
      await worker.exited;
    }

    // The last restart, in this process: let everything finish.
    const system = await runSagaSystem(temp.dir);
    try {
      const statuses = async () => {
        const out = new Map<string, string>();
        for await (const instance of system.sagas.list()) out.set(instance.id, instance.status);
        return out;
      };
      await waitFor(
        async () => {
          const now = await statuses();
          return (
            now.size === ORDERS && [...now.values()].every((s) => s === 'completed' || s === 'compensated')
          );
        },
        { timeoutMs: 90_000, intervalMs: 250, message: 'every saga to complete or be compensated' },
      );
      const final = await statuses();
      for (let n = 0; n < ORDERS; n++) expect(final.get(`o-${n}`), `o-${n}`).toBe(EXPECTED[n % 4]?.status);
      // Wait for the last outcome events to reach the services.
      const db = openEffects(temp.dir, true);
      try {
        await waitFor(
          () => (db.prepare('SELECT count(*) AS n FROM outcomes').get() as { n: number }).n >= ORDERS,
          {
            timeoutMs: 30_000,
          },
        );
        const effects = db
          .prepare('SELECT order_id AS o, type FROM effects ORDER BY order_id, type')
          .all() as {
          o: string;
          type: string;
        }[];
        for (let n = 0; n < ORDERS; n++)
          expect(
            effects.filter((e) => e.o === `o-${n}`).map((e) => e.type),
            `effects of o-${n}`,
          ).toEqual(EXPECTED[n % 4]?.effects);
        // A forward action issued twice would carry two ids (the receiver dedupes by id): none was.
        const reissued = db
          .prepare(
            `SELECT order_id, type, count(DISTINCT command_id) AS ids FROM received
             WHERE type IN ('payment.process', 'stock.reserve', 'shipping.ship') GROUP BY 1, 2 HAVING ids > 1`,
          )
          .all();
        expect(reissued).toEqual([]);
        const outcomes = db.prepare('SELECT order_id AS o, type FROM outcomes').all() as {
          o: string;
          type: string;
        }[];
        expect(outcomes).toHaveLength(ORDERS); // onCompleted / onCompensated published once per saga (same id on re-publish)
        for (const { o, type } of outcomes) expect(type, o).toBe(EXPECTED[Number(o.slice(2)) % 4]?.outcome);
      } finally {
        db.close();
      }
    } finally {
      await system.stop();
    }
  }, 300_000);
});
