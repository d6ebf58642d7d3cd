// Group commit: appends issued while a call is being prepared share one round trip and transaction.
import { type StoreAppendResult as AppendResult, isTributaryError } from '@tributary/core';
import type { AppendOutcome, AppendUnit } from './append-call.js';

/** Runs one group in one call; rejects only when the whole call failed. */
export type RunGroup = (units: readonly AppendUnit[]) => Promise<AppendOutcome[]>;

interface Waiting {
  readonly unit: AppendUnit;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (err: unknown) => void;
}

/** Bounds of one group: enough to amortise a commit, small enough to keep latency low. */
const MAX_GROUP_APPENDS = 256;
const MAX_GROUP_EVENTS = 10_000;
/** Calls in flight: the next group is sent while the previous one commits. */
const MAX_IN_FLIGHT = 2;

/**
 * Queues single appends and sends them in groups. Each append still succeeds or fails on its own:
 * the append function returns a status per append. When a whole call fails (say two appends of
 * one group carry the same event id), each append of the group is retried alone, so only the
 * faulty one fails. `onWritten` runs after every call that committed events.
 */
export class GroupCommit {
  private readonly queue: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly drained: (() => void)[] = [];

  constructor(
    private readonly run: RunGroup,
    private readonly onWritten: () => void,
  ) {}

  submit(unit: AppendUnit): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ unit, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every queued and in-flight append has settled. */
  drain(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private get idle(): boolean {
    return this.queue.length === 0 && this.inFlight === 0;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || this.queue.length === 0) return;
    this.scheduled = true;
    // setImmediate, not a microtask: appends issued in this turn of the event loop join the group
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
        const group = this.take();
        this.inFlight++;
        void this.send(group).finally(() => {
          this.inFlight--;
          this.schedule();
          if (this.idle) for (const resolve of this.drained.splice(0)) resolve();
        });
      }
    });
  }

  private take(): Waiting[] {
    let events = 0;
    let count = 0;
    for (const w of this.queue) {
      events += w.unit.append.stored.length;
      if (count > 0 && (count >= MAX_GROUP_APPENDS || events > MAX_GROUP_EVENTS)) break;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private async send(group: Waiting[]): Promise<void> {
    let outcomes: AppendOutcome[];
    try {
      outcomes = await this.run(group.map((w) => w.unit));
    } catch (err) {
      // the server is unreachable or the call was aborted: retrying one by one would fail alike
      if (group.length === 1 || isTransient(err)) {
        for (const w of group) w.reject(err);
        return;
      }
      // one by one, in the order they were issued
      for (const w of group) await this.send([w]);
      return;
    }
    let written = false;
    group.forEach((w, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) {
        written ||= outcome.written;
        w.resolve(outcome.result);
      } else w.reject(outcome?.error ?? new Error('append function returned no status'));
    });
    if (written) this.onWritten();
  }
}

function isTransient(err: unknown): boolean {
  return isTributaryError(err, 'STORAGE_FAILURE') && err.isRetryable;
}
