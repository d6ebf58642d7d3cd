import path from 'node:path';
import type { Bus } from '@tributary/core';
import type { loadTributary } from './tributary.js';
import type { ProcessOptions } from './types.js';

type OrderPlaced = Awaited<ReturnType<typeof loadTributary>>['OrderPlaced'];

/** Retries of every `consumer.process` row: 3 attempts, 1 ms then 2 ms. */
const RETRY = { maxAttempts: 3, initialDelayMs: 1, multiplier: 2, jitter: 'none' } as const;

/** Loads the SQLite adapter only for the exactly-once row, so the other rows run without it. */
async function loadSqlite() {
  try {
    return await import('@tributary/sqlite');
  } catch (err) {
    throw new Error(`@tributary/sqlite not usable: ${(err as Error).message}`);
  }
}

/**
 * Starts `bus.subscribe` on `topic` from the earliest event with a no-op handler (`events:
 * [OrderPlaced]`, so every event is decoded and validated). Exactly-once writes one row per event
 * through `ctx.tx` into a SQLite database in `dir`. Returns the stops, in the order to run them.
 */
export async function startProcessing(
  bus: Bus,
  OrderPlaced: OrderPlaced,
  topic: string,
  dir: string,
  options: ProcessOptions,
): Promise<(() => Promise<void>)[]> {
  const { onHandled } = options;
  const every = BigInt(options.failEvery);
  const common = {
    group: 'bench-process',
    events: [OrderPlaced],
    topics: [topic],
    from: 'earliest',
  } as const;
  if (options.mode === 'exactly-once') {
    const { SqliteExactlyOnce } = await loadSqlite();
    const store = new SqliteExactlyOnce(path.join(dir, 'effects.db'));
    try {
      store.db.exec('CREATE TABLE effects (id TEXT PRIMARY KEY)');
      const sub = await bus.subscribe({
        ...common,
        retry: RETRY,
        delivery: { exactlyOnce: store },
        handler: (event, ctx) => {
          if (every > 0n && ctx.attempt === 1 && ctx.offset % every === 0n) throw new Error('fails once');
          ctx.tx.run('INSERT INTO effects(id) VALUES (?)', event.id);
          onHandled();
        },
      });
      return [() => sub.stop(), async () => store.close()];
    } catch (err) {
      store.close();
      throw err;
    }
  }
  const sub = await bus.subscribe({
    ...common,
    retry: RETRY,
    retryMode: options.retryMode ?? 'blocking',
    handler: (_event, ctx) => {
      if (every > 0n && ctx.attempt === 1 && ctx.offset % every === 0n) throw new Error('fails once');
      onHandled();
    },
  });
  return [() => sub.stop()];
}

/** What a `consumer.process` row of Tributary says about its settings (the mode is said already). */
export function processNote(options: ProcessOptions): string {
  const where = options.retryMode === 'topics' ? 'via retry topics' : 'in place';
  const retry = `retries ${where}: ${RETRY.maxAttempts} attempts, backoff ${RETRY.initialDelayMs} ms ×${RETRY.multiplier}`;
  const fail = options.failEvery > 0 ? `1 in ${options.failEvery} fails once; ` : '';
  const what =
    options.mode === 'exactly-once'
      ? 'decode + validate, 1 SQLite INSERT + dedupe mark + offset per event, one transaction per fetched batch (WAL, synchronous=FULL)'
      : 'decode + validate, offsets committed every 1 s';
  return `bus.subscribe: ${what}; ${fail}${retry}`;
}
