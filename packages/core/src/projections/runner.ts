import { describeEvent } from '../envelope/attributes.js';
import { isTributaryError, type TributaryError } from '../errors/errors.js';
import type { EventStore } from '../ports/event-store.js';
import { backoffDelay, resolveRetryPolicy } from '../reliability/retry-policy.js';
import { sleep } from '../reliability/sleep.js';
import { LeaseKeeper } from '../workers/lease-keeper.js';
import {
  checkTimeout,
  DEFAULT_WAIT_TIMEOUT_MS,
  type LoopOptions,
  resolveLoopOptions,
} from '../workers/loop-options.js';
import { Wakeup } from '../workers/wakeup.js';
import { CatchUpWaiters } from './catch-up-waiters.js';
import { type DeadLetterSink, deadLetterSink } from './dead-letter-sink.js';
import { defineProjection } from './define-projection.js';
import { ProjectionError } from './errors.js';
import { type BatchFailure, handleBatch } from './handle-batch.js';
import { projectionCheckpointName } from './names.js';
import type {
  ProjectionContext,
  ProjectionDefinition,
  ProjectionInput,
  ProjectionRunner,
  ProjectionState,
  ProjectionStatus,
  StartProjectionOptions,
} from './types.js';

/** Backoff between retries of a failing store (reads, checkpoint writes, lease calls). */
const STORE_RETRY = resolveRetryPolicy({ initialDelayMs: 50, maxDelayMs: 5000 });

/**
 * Starts an async projection over `store` and returns its runner at once (it works in the
 * background).
 *
 * The runner reads the global log after its checkpoint (`readAll`, `batchSize` events of the
 * projection's `types`), hands each batch to `handle`, then moves the checkpoint (stored under
 * `projection:<name>:v<version>`) with a compare-and-set. One instance per projection version is
 * active across every process sharing the store: it holds the lease of the same name, renewed
 * every `leaseTtlMs / 3`; the others stand by and try to take over every `pollIntervalMs`. A
 * failed compare-and-set (another instance moved the checkpoint) or a lost lease sends an
 * instance to standby. Appends in this process wake the runner at once; other processes' appends
 * are seen by polling every `pollIntervalMs`.
 *
 * Delivery is at least once: after a crash or a takeover the last uncommitted batch is handled
 * again, so `handle` should be idempotent (or commit its writes and the position together).
 *
 * @throws ValidationError `INVALID_ARGUMENT` for a bad projection or option.
 */
export function startProjection(
  store: EventStore,
  projection: ProjectionInput,
  options: StartProjectionOptions = {},
): ProjectionRunner {
  const definition = defineProjection(projection);
  const loop = resolveLoopOptions('startProjection', options);
  const sink = deadLetterSink(definition.name, options, definition.onError);
  return new Runner(store, definition, loop, sink);
}

class Runner implements ProjectionRunner {
  readonly name: string;
  readonly version: number;
  private state: ProjectionState = 'starting';
  /** The stored checkpoint as last read or written (`undefined`: none stored). */
  private stored: bigint | undefined;
  private checkpoint = 0n;
  private head = 0n;
  private processed = 0;
  private skipped = 0;
  private deadLettered = 0;
  private error: ProjectionError | undefined;
  private readonly checkpointName: string;
  private readonly ctx: ProjectionContext;
  private readonly lease: LeaseKeeper;
  private readonly wakeup = new Wakeup();
  private readonly stopping = new AbortController();
  private readonly waiters = new CatchUpWaiters();
  private readonly unsubscribe: () => void;
  private readonly running: Promise<void>;

  constructor(
    private readonly store: EventStore,
    private readonly projection: ProjectionDefinition,
    private readonly options: LoopOptions,
    private readonly sink: DeadLetterSink,
  ) {
    this.name = projection.name;
    this.version = projection.version;
    this.ctx = Object.freeze({ name: this.name, version: this.version });
    this.checkpointName = projectionCheckpointName(this.name, this.version);
    this.lease = new LeaseKeeper(
      store.checkpoints,
      this.checkpointName,
      options.owner,
      options.leaseTtlMs,
      () => this.wakeup.notify(),
      options.onError,
    );
    this.unsubscribe = store.onAppended(() => this.wakeup.notify());
    this.running = this.loop();
  }

  status(): ProjectionStatus {
    return {
      name: this.name,
      version: this.version,
      state: this.state,
      checkpoint: this.checkpoint,
      head: this.head,
      lag: this.head > this.checkpoint ? this.head - this.checkpoint : 0n,
      processed: this.processed,
      skipped: this.skipped,
      deadLettered: this.deadLettered,
      ...(this.error === undefined ? {} : { error: this.error }),
    };
  }

  async whenCaughtUp(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = checkTimeout('whenCaughtUp', options?.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS);
    this.assertRunning();
    const target = await this.store.headPosition();
    this.assertRunning();
    if (this.checkpoint >= target) return;
    return this.waiters.wait(target, timeoutMs, () => {
      const { state, checkpoint } = this.status();
      return new ProjectionError(
        'REQUEST_TIMEOUT',
        `Projection "${this.name}" v${this.version} did not catch up to position ${target} within ${timeoutMs} ms: its checkpoint is at ${checkpoint} (state ${state}). Wait longer, or check that an instance is active and its handler keeps up.`,
      );
    });
  }

  stop(): Promise<void> {
    this.stopping.abort();
    this.wakeup.notify();
    return this.running;
  }

  private async loop(): Promise<void> {
    let storeFailures = 0;
    while (!this.stopping.signal.aborted && this.state !== 'failed') {
      try {
        const more = this.lease.held ? await this.step() : await this.takeOverOrStandBy();
        storeFailures = 0;
        if (this.state === 'standby') await sleep(this.options.pollIntervalMs, this.stopping.signal);
        else if (!more) await this.wakeup.wait(this.options.pollIntervalMs, this.stopping.signal);
      } catch (error) {
        if (isTributaryError(error, 'CLOSED')) {
          this.closedUnderneath(error);
          break;
        }
        this.options.onError(error);
        await sleep(backoffDelay(STORE_RETRY, ++storeFailures), this.stopping.signal);
      }
    }
    await this.shutdown();
  }

  /** Takes the lease when it is free (then reads the checkpoint), else stands by. Returns whether it took it. */
  private async takeOverOrStandBy(): Promise<boolean> {
    if (await this.lease.acquire()) {
      this.stored = await this.store.checkpoints.get(this.checkpointName);
      this.moveTo(this.stored ?? 0n);
      this.state = 'active';
      return true;
    }
    this.state = 'standby';
    // Follow the active instance, so status() and whenCaughtUp() work on a standby too.
    this.head = await this.store.headPosition();
    this.moveTo((await this.store.checkpoints.get(this.checkpointName)) ?? 0n);
    return false;
  }

  /** Handles one batch and commits the checkpoint; returns whether more events may be waiting. */
  private async step(): Promise<boolean> {
    const { batchSize } = this.options;
    const expected = this.stored;
    const after = expected ?? 0n;
    // Read the head first: once a short batch is handled, every matching event up to it is done.
    const head = await this.store.headPosition();
    if (head > this.head) this.head = head;
    const { types } = this.projection;
    const batch = await this.store.readAll({ after, maxCount: batchSize, ...(types && { types }) });
    let next: bigint | undefined;
    let failure: BatchFailure | undefined;
    if (batch.length > 0) {
      const outcome = await handleBatch(this.projection, batch, this.ctx, this.sink);
      this.processed += outcome.processed;
      this.skipped += outcome.skipped;
      this.deadLettered += outcome.deadLettered;
      ({ last: next, failure } = outcome);
      if (failure === undefined && batch.length < batchSize && head > (next ?? 0n)) next = head;
    } else if (head > after) next = head; // events after the checkpoint, none of them of our types
    if (next !== undefined && next > after) {
      if (!(await this.store.checkpoints.compareAndSet(this.checkpointName, expected, next))) {
        // Another instance moved the checkpoint: it is the active one now.
        await this.lease.release();
        this.state = 'standby';
        return false;
      }
      this.stored = next;
      this.moveTo(next);
    }
    if (failure !== undefined) {
      this.fail(failure);
      return false;
    }
    return batch.length === batchSize;
  }

  private moveTo(checkpoint: bigint): void {
    this.checkpoint = checkpoint;
    if (checkpoint > this.head) this.head = checkpoint;
    this.waiters.reached(checkpoint);
  }

  private fail({ recorded, error, sinkFailed }: BatchFailure): void {
    const what = `${describeEvent(recorded.event)} at position ${recorded.position} (stream "${recorded.stream}")`;
    const message = sinkFailed
      ? `Projection "${this.name}" v${this.version} stopped: dead-lettering ${what} failed: ${messageOf(error)}. Fix the dead-letter sink and start the projection again; it resumes at this event.`
      : `Projection "${this.name}" v${this.version} stopped: its handler failed on ${what}: ${messageOf(error)}. Fix the handler (or choose onError 'skip' or 'dead-letter') and start it again; it resumes at this event.`;
    this.error = new ProjectionError('PERMANENT_FAILURE', message, { cause: error });
    this.state = 'failed';
    this.waiters.rejectAll(this.error);
  }

  /** The store (or the bus of its dead letters) was closed: nothing more can be done, stop. */
  private closedUnderneath(error: TributaryError): void {
    this.error = new ProjectionError(
      'CLOSED',
      `Projection "${this.name}" v${this.version} stopped: ${error.message}`,
      { cause: error },
    );
    this.stopping.abort();
  }

  private assertRunning(): void {
    if (this.error !== undefined && (this.state === 'failed' || this.stopping.signal.aborted))
      throw this.error;
    if (this.stopping.signal.aborted || this.state === 'stopped')
      throw new ProjectionError(
        'CLOSED',
        `Projection "${this.name}" v${this.version} was stopped: start it again to wait for it.`,
      );
  }

  private async shutdown(): Promise<void> {
    this.unsubscribe();
    try {
      await this.lease.release();
    } catch (error) {
      // The lease lapses after its ttl anyway; a closed store has nothing to release.
      if (!isTributaryError(error, 'CLOSED')) this.options.onError(error);
    }
    if (this.state !== 'failed') this.state = 'stopped';
    this.waiters.rejectAll(
      this.error ??
        new ProjectionError(
          'CLOSED',
          `Projection "${this.name}" v${this.version} was stopped before it caught up: start it again to wait for it.`,
        ),
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
