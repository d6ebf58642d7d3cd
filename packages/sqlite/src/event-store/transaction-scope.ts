// What `transaction(fn)` hands to fn: appends and user SQL inside the one open transaction.
import {
  type StoreAppendResult as AppendResult,
  type EventStoreTransaction,
  TributaryError,
} from '@tributary/core';
import { type CheckedAppend, checkAppend, checkAppends } from '@tributary/core/internal';
import type { SqliteTx } from '../sqlite-tx.js';
import { type AppendEnvironment, appendAll } from './append.js';
import { EventStoreTx } from './store-tx.js';
import type { WriteContext } from './write-context.js';
import type { WriteQueue } from './write-queue.js';

/**
 * One `transaction(fn)`: its appends run one after another, each in a savepoint (a failed one is
 * undone alone; fn decides whether to go on). `end()` waits for appends still running, then makes
 * the handle unusable.
 */
export class TransactionScope {
  readonly handle: EventStoreTransaction<SqliteTx>;
  private readonly tx: EventStoreTx;
  private chain: Promise<unknown> = Promise.resolve();
  private accepting = true;

  constructor(
    private readonly queue: WriteQueue,
    private readonly env: AppendEnvironment,
    private readonly ctx: WriteContext,
  ) {
    this.tx = new EventStoreTx(env.db, env.txStatements, 'transaction');
    this.handle = {
      appendToStream: (stream, events, options) =>
        this.append('appendToStream', () => {
          const { tenant, append } = checkAppend(stream, events, options);
          return { tenant, appends: [append] };
        }).then((results) => results[0] as AppendResult),
      appendToStreams: (appends, options) =>
        this.append('appendToStreams', () => {
          return checkAppends(appends, options);
        }),
      db: this.tx,
    };
  }

  /** Waits for the appends issued so far, then closes the handle. */
  async end(): Promise<void> {
    this.accepting = false;
    await this.chain;
    this.tx.end();
  }

  private append(
    method: string,
    check: () => { tenant: string; appends: readonly CheckedAppend[] },
  ): Promise<AppendResult[]> {
    if (!this.accepting)
      return Promise.reject(
        new TributaryError(
          'CLOSED',
          `The transaction has ended: tx.${method} cannot run. Call it (and await it) inside the transaction's function.`,
        ),
      );
    let checked: { tenant: string; appends: readonly CheckedAppend[] };
    try {
      checked = check();
    } catch (err) {
      return Promise.reject(err);
    }
    const { tenant, appends } = checked;
    const result = this.chain.then(() =>
      this.queue.inSavepoint(this.ctx, (ctx) => appendAll(this.env, ctx, tenant, appends)),
    );
    this.chain = result.catch(() => undefined);
    return result;
  }
}
