import { invalidArgument } from '../errors/errors.js';

/** What {@link KeyedScheduler.submit} resolves to once the task has started. */
export interface ScheduledTask {
  /**
   * Settles with the task's outcome: resolves when it resolves, rejects with its error. Marked as
   * handled up front so an ignored failure cannot crash the process; await it to see the error.
   */
  done: Promise<void>;
}

interface Entry {
  readonly key: string | null;
  readonly task: () => Promise<void>;
  readonly started: (value: ScheduledTask) => void;
  readonly scheduled: ScheduledTask;
  readonly settle: (error?: { error: unknown }) => void;
}

/**
 * Runs tasks with the same key one after another in submission order, tasks with different keys in
 * parallel, at most `maxConcurrency` at once overall (a `null` key is its own key, distinct from
 * every string). A failing task does not block the next task of its key.
 *
 * Keys whose next task is ready take turns in the order they became ready, so one busy key cannot
 * starve the others. Used for key-level parallelism inside a partition that keeps per-key order.
 */
export class KeyedScheduler {
  private readonly maxConcurrency: number;
  /** Pending tasks per key; a key is present while it has a task queued or running. */
  private readonly byKey = new Map<string | null, Entry[]>();
  /** Keys that are not running and whose queue is non-empty, in the order they became ready. */
  private readonly readyKeys: (string | null)[] = [];
  private readonly running = new Set<string | null>();
  private readonly unfinished = new Set<Promise<void>>();
  private queuedCount = 0;

  /** @throws ValidationError `INVALID_ARGUMENT` when `maxConcurrency` is not an integer from 1 to 1 000 000. */
  constructor(maxConcurrency: number) {
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 1_000_000) {
      throw invalidArgument(
        `maxConcurrency must be an integer from 1 to 1000000, got ${String(maxConcurrency)}`,
        [{ path: 'maxConcurrency', message: 'must be an integer from 1 to 1000000' }],
      );
    }
    this.maxConcurrency = maxConcurrency;
  }

  /**
   * Queues `task` under `key`. Resolves when the task has STARTED — await it to apply backpressure
   * (stop fetching while the scheduler is full) — with `{ done }`, which settles with the task's
   * outcome.
   *
   * @throws ValidationError `INVALID_ARGUMENT` (synchronously) for a key that is not a string or
   * null, or a task that is not a function.
   */
  submit(key: string | null, task: () => Promise<void>): Promise<ScheduledTask> {
    if (key !== null && typeof key !== 'string') {
      throw invalidArgument(`scheduler key must be a string or null, got ${typeof key}`);
    }
    if (typeof task !== 'function') {
      throw invalidArgument(`scheduler task must be a function returning a promise, got ${typeof task}`);
    }
    let settle: Entry['settle'] = () => {};
    const done = new Promise<void>((resolve, reject) => {
      settle = (failure) => (failure === undefined ? resolve() : reject(failure.error));
    });
    done.catch(() => {});
    this.unfinished.add(done);
    let started: Entry['started'] = () => {};
    const startedPromise = new Promise<ScheduledTask>((resolve) => {
      started = resolve;
    });
    const entry: Entry = { key, task, started, scheduled: { done }, settle };

    const queue = this.byKey.get(key);
    if (queue === undefined) {
      this.byKey.set(key, [entry]);
      this.readyKeys.push(key);
    } else {
      queue.push(entry);
    }
    this.queuedCount++;
    this.pump();
    return startedPromise;
  }

  /** Tasks started and not yet finished. */
  get inFlight(): number {
    return this.running.size;
  }

  /** Tasks submitted and not yet started. */
  get queued(): number {
    return this.queuedCount;
  }

  /** Resolves when every task submitted so far has finished (whatever its outcome); later ones are not awaited. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.unfinished]);
  }

  /** Starts ready tasks while there is room. */
  private pump(): void {
    while (this.running.size < this.maxConcurrency) {
      const key = this.readyKeys.shift();
      if (key === undefined) return;
      const entry = this.byKey.get(key)?.shift();
      if (entry === undefined) continue; // cannot happen: ready keys have a queued task
      this.start(entry);
    }
  }

  private start(entry: Entry): void {
    this.queuedCount--;
    this.running.add(entry.key);
    let outcome: Promise<void>;
    try {
      outcome = Promise.resolve(entry.task());
    } catch (error) {
      outcome = Promise.reject(error); // a task that throws before returning its promise
    }
    entry.started(entry.scheduled);
    outcome.then(
      () => this.finish(entry),
      (error: unknown) => this.finish(entry, { error }),
    );
  }

  private finish(entry: Entry, failure?: { error: unknown }): void {
    this.running.delete(entry.key);
    const queue = this.byKey.get(entry.key);
    if (queue !== undefined && queue.length > 0) this.readyKeys.push(entry.key);
    else this.byKey.delete(entry.key);
    this.unfinished.delete(entry.scheduled.done);
    entry.settle(failure);
    this.pump();
  }
}
