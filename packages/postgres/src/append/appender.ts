// Every way of appending: grouped single appends, atomic multi-stream appends, appends in a transaction.
import type {
  AppendOptions,
  StoreAppendResult as AppendResult,
  CloudEvent,
  EventUpcaster,
  InlineProjection,
  MultiAppendOptions,
  RecordedEvent,
  StreamAppend,
} from '@tributary/core';
import { TributaryError } from '@tributary/core';
import { type CheckedAppend, checkAppend, checkAppends } from '@tributary/core/internal';
import type pg from 'pg';
import type { Database, Queryable } from '../database.js';
import type { PgTx } from '../options.js';
import {
  type AppendNotice,
  type AppendOutcome,
  type AppendUnit,
  appendUnit,
  callAppend,
  duplicateEventId,
  duplicateIdOf,
  type OutboxTopicOf,
  recordedEventsOf,
} from './append-call.js';
import { GroupCommit } from './group-commit.js';

export interface AppenderOptions {
  readonly projections: readonly InlineProjection<PgTx>[];
  readonly topicOf: OutboxTopicOf | undefined;
  readonly upcaster: EventUpcaster;
  readonly notice: AppendNotice | undefined;
  /** Called after a commit that wrote events (wakes `onAppended` listeners). */
  readonly onWritten: () => void;
}

/** What a transaction needs to append on its own connection. */
export interface TxAppendTarget {
  readonly client: pg.PoolClient;
  readonly tx: PgTx;
}

export class Appender {
  private readonly group: GroupCommit;

  constructor(
    private readonly db: Database,
    private readonly options: AppenderOptions,
  ) {
    this.group = new GroupCommit((units) => this.call(this.db.pool, units, false), options.onWritten);
  }

  async appendToStream(
    stream: string,
    events: readonly CloudEvent[],
    options: AppendOptions | undefined,
  ): Promise<AppendResult> {
    const { tenant, append } = checkAppend(stream, events, options);
    const unit = appendUnit(tenant, append, this.options.topicOf);
    this.db.checkOpen(`append to stream "${stream}"`);
    // Inline projections run in the append's own transaction: such appends are not grouped.
    if (this.options.projections.length > 0) return (await this.inOwnTransaction([unit]))[0]!;
    return this.group.submit(unit);
  }

  async appendToStreams(
    appends: readonly StreamAppend[],
    options: MultiAppendOptions | undefined,
  ): Promise<AppendResult[]> {
    const checked = checkAppends(appends, options);
    const units = this.unitsOf(checked);
    this.db.checkOpen('append to several streams');
    if (this.options.projections.length > 0) return this.inOwnTransaction(units);
    const outcomes = await this.call(this.db.pool, units, units.length > 1);
    const results = this.settle(outcomes);
    if (outcomes.some((o) => o.ok && o.written)) this.options.onWritten();
    return results;
  }

  /**
   * Appends `units` atomically on a transaction's connection and runs the inline projections
   * there. With projections, a savepoint makes a failing projection undo only this append, so the
   * caller's transaction stays usable. Returns the results and whether events were written.
   */
  async appendInTransaction(
    target: TxAppendTarget,
    units: readonly AppendUnit[],
  ): Promise<{ results: AppendResult[]; written: boolean }> {
    const projecting = this.options.projections.length > 0;
    if (!projecting) {
      const outcomes = await this.call(target.client, units, units.length > 1);
      return { results: this.settle(outcomes), written: outcomes.some((o) => o.ok && o.written) };
    }
    const doing = 'apply inline projections';
    await this.db.query(doing, { text: 'SAVEPOINT tributary_append' }, target.client);
    try {
      const outcomes = await this.call(target.client, units, units.length > 1);
      const results = this.settle(outcomes);
      await this.project(units, outcomes, target.tx);
      await this.db.query(doing, { text: 'RELEASE SAVEPOINT tributary_append' }, target.client);
      return { results, written: outcomes.some((o) => o.ok && o.written) };
    } catch (err) {
      await target.client.query('ROLLBACK TO SAVEPOINT tributary_append').catch(() => undefined);
      throw err;
    }
  }

  /** The units of a checked `appendToStreams` call. */
  unitsOf(checked: { tenant: string; appends: readonly CheckedAppend[] }): AppendUnit[] {
    return checked.appends.map((append) => appendUnit(checked.tenant, append, this.options.topicOf));
  }

  /** The unit of a checked `appendToStream` call. */
  unitOf(tenant: string, append: CheckedAppend): AppendUnit {
    return appendUnit(tenant, append, this.options.topicOf);
  }

  /** Waits for grouped appends still queued or in flight (before closing). */
  drain(): Promise<void> {
    return this.group.drain();
  }

  private async inOwnTransaction(units: readonly AppendUnit[]): Promise<AppendResult[]> {
    let written = false;
    const results = await this.db.transaction('append with inline projections', async (client) => {
      const tx = pgTxOf(this.db, client);
      const outcomes = await this.call(client, units, units.length > 1);
      const settled = this.settle(outcomes);
      await this.project(units, outcomes, tx);
      written = outcomes.some((o) => o.ok && o.written);
      return settled;
    });
    if (written) this.options.onWritten();
    return results;
  }

  /**
   * One call of the append function. `atomic` (all or nothing) only matters for several units:
   * a single append that fails writes nothing either way, and the non-atomic path is faster.
   */
  private async call(on: Queryable, units: readonly AppendUnit[], atomic: boolean): Promise<AppendOutcome[]> {
    try {
      return await callAppend(this.db, on, units, { atomic, notice: this.options.notice });
    } catch (err) {
      // an event id other than an append's first is stored already (the function checks the first)
      const id = duplicateIdOf(err);
      if (id === undefined) throw err;
      const unit = units.find((u) => u.append.stored.some((e) => e.id === id)) ?? units[0]!;
      throw duplicateEventId(unit.append.stream, id);
    }
  }

  /** The results, or the first failure's error (an atomic call wrote nothing then). */
  private settle(outcomes: readonly AppendOutcome[]): AppendResult[] {
    const failed = outcomes.find((o) => !o.ok && !o.skipped) ?? outcomes.find((o) => !o.ok);
    if (failed !== undefined && !failed.ok) throw failed.error;
    return outcomes.map((o) => (o.ok ? o.result : { nextExpectedVersion: 0n, position: 0n }));
  }

  private async project(units: readonly AppendUnit[], outcomes: readonly AppendOutcome[], tx: PgTx) {
    const recorded: RecordedEvent[] = [];
    units.forEach((unit, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok && outcome.written)
        recorded.push(...recordedEventsOf(unit, outcome, this.options.upcaster));
    });
    if (recorded.length === 0) return;
    for (const projection of this.options.projections) {
      const types = projection.types;
      const events = types === undefined ? recorded : recorded.filter((r) => types.includes(r.event.type));
      if (events.length > 0) await projection.apply(events, tx);
    }
  }
}

/**
 * The {@link PgTx} of a connection inside a transaction. `isActive` turns it off once the
 * transaction has ended, so stray queries cannot run outside it.
 */
export function pgTxOf(db: Database, client: pg.PoolClient, isActive: () => boolean = () => true): PgTx {
  return {
    async query<R>(sql: string, params?: unknown[]): Promise<R[]> {
      if (!isActive()) throw transactionEnded('tx.db.query()');
      const result = await client.query(sql, params).catch((err: unknown) => {
        throw db.failure(err, 'run SQL in a transaction');
      });
      return result.rows as R[];
    },
  };
}

/** The error of a transaction handle used after its transaction ended. */
export function transactionEnded(call: string): TributaryError {
  return new TributaryError(
    'CLOSED',
    `Cannot call ${call}: its transaction has ended. Use the transaction handle only inside the function given to transaction(), and await every call in it.`,
  );
}
