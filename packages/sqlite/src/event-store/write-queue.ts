// Group commit: writes issued while a flush is pending run together in ONE SQLite transaction (one
// fsync), each in its own savepoint, so a failing write rolls back and rejects alone.
import { StorageError } from '@tributary/core';
import Database from 'better-sqlite3';
import { storageFailure } from '../database.js';
import { isPromiseLike } from './append.js';
import { type ContextMark, WriteContext } from './write-context.js';
import type { WriteStatements } from './write-statements.js';

/** A flush stops taking jobs once it holds this many events (a bigger single job still runs alone). */
export const MAX_EVENTS_PER_FLUSH = 4096;

/** A write to run in a transaction: synchronous, or a promise when user code (a projection) is async. */
export type WriteFn<T> = (ctx: WriteContext) => T | Promise<T>;

interface Job {
  readonly run: WriteFn<unknown>;
  /** Events it appends at most (1 for other writes): the flush's size cap counts these. */
  readonly weight: number;
  /** Runs alone in its own transaction (a `transaction(fn)`), not in a savepoint of a group. */
  readonly exclusive: boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

/**
 * The only path to the database's write lock. Jobs queue in FIFO order; on the next macrotask
 * (setImmediate) the queued ones run in one `BEGIN IMMEDIATE … COMMIT`, each in a savepoint, up to
 * {@link MAX_EVENTS_PER_FLUSH} events. Exclusive jobs (`transaction(fn)`) run alone once the jobs
 * before them have committed; jobs queued meanwhile wait.
 */
export class WriteQueue {
  /** Transactions committed so far (for tests and measurements). */
  committedTransactions = 0;
  private queue: Job[] = [];
  private scheduled = false;
  private running = false;
  /** True while a transaction is open across an await (async projection or `transaction(fn)`). */
  private open = false;
  private flushWaiters: (() => void)[] = [];

  constructor(
    private readonly db: Database.Database,
    private readonly statements: WriteStatements,
    /** Called after a commit that appended events. */
    private readonly onAppended: () => void,
  ) {}

  /** True while a write transaction is open across an await: reads on the connection would see it uncommitted. */
  get transactionOpen(): boolean {
    return this.open;
  }

  /** Queues a write for the next group commit; resolves with its result once committed. */
  submit<T>(run: WriteFn<T>, weight = 1): Promise<T> {
    return this.enqueue(run, weight, false);
  }

  /** Queues `run` to hold the write lock alone, in its own transaction. */
  exclusive<T>(run: (ctx: WriteContext) => Promise<T>): Promise<T> {
    return this.enqueue(run, 1, true);
  }

  /**
   * Runs `run` in a savepoint of the transaction that is open now: its writes are kept when it
   * succeeds and undone alone when it fails. Used inside exclusive jobs.
   */
  inSavepoint<T>(ctx: WriteContext, run: WriteFn<T>): T | Promise<T> {
    const outcome = this.runJob(ctx, run);
    const settle = (o: Outcome): T => {
      if (o.ok) return o.value as T;
      throw wrapDriverError(o.error);
    };
    return isPromiseLike(outcome) ? Promise.resolve(outcome).then(settle) : settle(outcome);
  }

  /** Resolves when the flush running now (if any) has ended: its transaction is closed. */
  afterCurrentFlush(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  /** Resolves once every queued write has settled. */
  async drain(): Promise<void> {
    while (this.running || this.queue.length > 0)
      await new Promise<void>((resolve) => this.flushWaiters.push(resolve));
  }

  private enqueue<T>(run: WriteFn<T>, weight: number, exclusive: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, weight, exclusive, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const first = this.queue[0];
    if (this.running || first === undefined) return;
    this.running = true;
    let done: void | Promise<void>;
    if (first.exclusive) {
      this.queue.shift();
      done = this.runExclusive(first);
    } else {
      let count = 1;
      let weight = first.weight;
      for (let next = this.queue[count]; next !== undefined && !next.exclusive; next = this.queue[count]) {
        if (weight + next.weight > MAX_EVENTS_PER_FLUSH) break;
        weight += next.weight;
        count++;
      }
      done = this.runGroup(this.queue.splice(0, count));
    }
    if (done === undefined) this.afterFlush();
    else void done.then(() => this.afterFlush());
  }

  private afterFlush(): void {
    this.running = false;
    this.open = false;
    if (this.queue.length > 0) this.schedule();
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const wake of waiters) wake();
  }

  private runGroup(group: readonly Job[]): void | Promise<void> {
    const ctx = this.beginTransaction(group);
    if (ctx === undefined) return;
    const outcomes: Outcome[] = [];
    for (let i = 0; i < group.length; i++) {
      const outcome = this.runJob(ctx, (group[i] as Job).run);
      if (isPromiseLike(outcome)) return this.finishGroupAsync(group, ctx, outcomes, outcome);
      outcomes.push(outcome);
    }
    this.commit(group, ctx, outcomes);
  }

  private async finishGroupAsync(
    group: readonly Job[],
    ctx: WriteContext,
    outcomes: Outcome[],
    pending: Promise<Outcome>,
  ): Promise<void> {
    this.open = true;
    outcomes.push(await pending);
    for (let i = outcomes.length; i < group.length; i++)
      outcomes.push(await this.runJob(ctx, (group[i] as Job).run));
    this.commit(group, ctx, outcomes);
  }

  private async runExclusive(job: Job): Promise<void> {
    const ctx = this.beginTransaction([job]);
    if (ctx === undefined) return;
    this.open = true;
    let outcome: Outcome;
    try {
      outcome = { ok: true, value: await job.run(ctx) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    if (outcome.ok) return this.commit([job], ctx, [outcome]);
    this.rollbackTransaction();
    job.reject(outcome.error);
  }

  /** BEGIN IMMEDIATE and the position/time to continue from; rejects the jobs when it fails. */
  private beginTransaction(jobs: readonly Job[]): WriteContext | undefined {
    const s = this.statements;
    try {
      s.begin.run();
      const head = s.head.get() as { position: number; recorded_at: number };
      return new WriteContext(head.position + 1, head.recorded_at);
    } catch (err) {
      this.rollbackTransaction();
      const error = storageFailure(err, 'starting a write transaction');
      for (const job of jobs) job.reject(error);
      return undefined;
    }
  }

  /** Runs one job in a savepoint; a failure rolls back to it (and rewinds positions). */
  private runJob(ctx: WriteContext, run: WriteFn<unknown>): Outcome | Promise<Outcome> {
    const mark = ctx.mark();
    let value: unknown;
    try {
      this.statements.savepoint.run();
      value = run(ctx);
    } catch (error) {
      return this.failJob(ctx, mark, error);
    }
    if (!isPromiseLike(value)) return this.passJob(ctx, mark, value);
    this.open = true;
    return Promise.resolve(value).then(
      (v) => this.passJob(ctx, mark, v),
      (error: unknown) => this.failJob(ctx, mark, error),
    );
  }

  private passJob(ctx: WriteContext, mark: ContextMark, value: unknown): Outcome {
    try {
      this.statements.release.run();
    } catch (error) {
      return this.failJob(ctx, mark, error);
    }
    return { ok: true, value };
  }

  private failJob(ctx: WriteContext, mark: ContextMark, error: unknown): Outcome {
    try {
      this.statements.rollbackToSavepoint.run();
      this.statements.release.run();
    } catch {
      // The whole transaction is gone (SQLite rolled it back): commit() notices and fails the group.
    }
    ctx.restore(mark);
    return { ok: false, error };
  }

  private commit(jobs: readonly Job[], ctx: WriteContext, outcomes: readonly Outcome[]): void {
    try {
      if (!this.db.inTransaction) throw lostTransaction(outcomes);
      this.statements.commit.run();
    } catch (err) {
      this.rollbackTransaction();
      const error = storageFailure(err, 'committing appends');
      for (const job of jobs) job.reject(error);
      return;
    }
    this.open = false;
    this.committedTransactions++;
    jobs.forEach((job, i) => {
      const outcome = outcomes[i] as Outcome;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(wrapDriverError(outcome.error));
    });
    if (ctx.appended > 0) this.onAppended();
  }

  private rollbackTransaction(): void {
    this.open = false;
    if (!this.db.inTransaction) return;
    try {
      this.statements.rollback.run();
    } catch {
      // Nothing more to undo: SQLite already rolled back.
    }
  }
}

/** The error of a group whose transaction SQLite rolled back (a disk full or I/O error in one job). */
function lostTransaction(outcomes: readonly Outcome[]): StorageError {
  const failed = outcomes.find((o) => !o.ok);
  return new StorageError(
    'STORAGE_FAILURE',
    'SQLite rolled back the whole write transaction after an error, so none of its writes were stored. Retry them once the cause (see `cause`) is fixed.',
    { cause: failed?.ok === false ? failed.error : undefined, retryable: true },
  );
}

/** Driver errors become STORAGE_FAILURE; Tributary errors and user errors (projections) pass as they are. */
function wrapDriverError(error: unknown): unknown {
  return error instanceof Database.SqliteError ? storageFailure(error, 'writing to the event store') : error;
}
