// EventStore.transaction: the user's function on one connection between BEGIN and COMMIT.
import type { EventStoreTransaction } from '@tributary/core';
import { checkAppend, checkAppends } from '@tributary/core/internal';
import { type Appender, pgTxOf, transactionEnded } from './append/appender.js';
import type { Database } from './database.js';
import type { PgTx } from './options.js';

/**
 * Runs `fn` in one transaction: its appends (through the append function, on the same
 * connection), its own SQL through `tx.db` and the outbox rows commit together. When `fn` throws,
 * the transaction rolls back and the error is rethrown. Appends of one transaction run one at a
 * time, in call order. `onWritten` runs after a commit that wrote events.
 */
export async function runTransaction<T>(
  db: Database,
  appender: Appender,
  fn: (tx: EventStoreTransaction<PgTx>) => Promise<T>,
  onWritten: () => void,
): Promise<T> {
  let written = false;
  const result = await db.transaction('run a transaction', async (client) => {
    let active = true;
    const ensureActive = (call: string) => {
      if (!active) throw transactionEnded(call);
    };
    const target = { client, tx: pgTxOf(db, client, () => active) };
    let queue: Promise<unknown> = Promise.resolve();
    const serial = <R>(task: () => Promise<R>): Promise<R> => {
      const run = queue.then(task, task);
      queue = run.catch(() => undefined);
      return run;
    };
    const tx: EventStoreTransaction<PgTx> = {
      db: target.tx,
      appendToStream: async (stream, events, options) => {
        const { tenant, append } = checkAppend(stream, events, options);
        const unit = appender.unitOf(tenant, append);
        ensureActive('tx.appendToStream()');
        return serial(async () => {
          const { results, written: w } = await appender.appendInTransaction(target, [unit]);
          written ||= w;
          return results[0]!;
        });
      },
      appendToStreams: async (appends, options) => {
        const checked = checkAppends(appends, options);
        ensureActive('tx.appendToStreams()');
        const units = appender.unitsOf(checked);
        return serial(async () => {
          const { results, written: w } = await appender.appendInTransaction(target, units);
          written ||= w;
          return results;
        });
      },
    };
    try {
      const value = await fn(tx);
      await queue;
      return value;
    } finally {
      active = false;
    }
  });
  if (written) onWritten();
  return result;
}
