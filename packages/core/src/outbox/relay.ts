import type { Bus } from '../bus/bus.js';
import { invalidArgument, isTributaryError } from '../errors/errors.js';
import type { EventStore, OutboxEntry } from '../ports/event-store.js';
import { backoffDelay, type RetryPolicy, resolveRetryPolicy } from '../reliability/retry-policy.js';
import { sleep } from '../reliability/sleep.js';
import { LeaseKeeper } from '../workers/lease-keeper.js';
import {
  checkTimeout,
  DEFAULT_WAIT_TIMEOUT_MS,
  type LoopOptions,
  resolveLoopOptions,
} from '../workers/loop-options.js';
import { Wakeup } from '../workers/wakeup.js';
import { OutboxRelayError } from './errors.js';
import type { OutboxRelay, OutboxRelayOptions, OutboxRelayState, OutboxRelayStatus } from './types.js';

/** The lease that keeps one relay active across every process sharing the store. */
export const OUTBOX_RELAY_LEASE = 'outbox-relay';

/**
 * Starts the outbox relay: publishes the events appends wrote to the store's outbox, in commit
 * order, to their topics on `bus`, then marks them published. Returns at once; it works in the
 * background.
 *
 * - **One active relay.** The relay holds the lease `outbox-relay` (renewed every `leaseTtlMs / 3`);
 *   other instances stand by and take over when it stops or its lease lapses, so with several
 *   processes on one PostgreSQL store only one publishes at a time.
 * - **Order.** Each event is published with key = its stream name, so a stream's events land in
 *   one partition; entries go out per topic in outbox order (`publishBatch`), so each stream's
 *   events keep their order.
 * - **At least once.** An entry is marked published only after its publish resolved. A crash (or a
 *   failed mark) between the two publishes it again on the next pass, as the same CloudEvent (same
 *   `id`): a consumer subscribing with `dedupe` handles it once.
 * - **Never skips.** A failed publish or store call is retried with backoff (`retry`) for as long
 *   as it takes; `status().error` shows the last failure meanwhile.
 *
 * @throws ValidationError `INVALID_ARGUMENT` for a bad option.
 */
export function startOutboxRelay(store: EventStore, bus: Bus, options: OutboxRelayOptions = {}): OutboxRelay {
  if (bus === null || typeof bus !== 'object' || typeof bus.publishBatch !== 'function')
    throw invalidArgument('startOutboxRelay: bus must be a Bus (from connect() or createBus()).');
  const loop = resolveLoopOptions('startOutboxRelay', options);
  const retry = resolveRetryPolicy({
    initialDelayMs: 100,
    maxDelayMs: 30_000,
    ...options.retry,
  });
  return new Relay(store, bus, loop, retry);
}

class Relay implements OutboxRelay {
  private state: OutboxRelayState = 'starting';
  private published = 0;
  private pending: number | undefined;
  private error: unknown;
  private hasError = false;
  private readonly lease: LeaseKeeper;
  private readonly wakeup = new Wakeup();
  private readonly stopping = new AbortController();
  /** Resolvers of `whenIdle` calls waiting for the end of the next pass. */
  private readonly passWaiters = new Set<() => void>();
  private readonly unsubscribe: () => void;
  private readonly running: Promise<void>;

  constructor(
    private readonly store: EventStore,
    private readonly bus: Bus,
    private readonly options: LoopOptions,
    private readonly retry: RetryPolicy,
  ) {
    this.lease = new LeaseKeeper(
      store.checkpoints,
      OUTBOX_RELAY_LEASE,
      options.owner,
      options.leaseTtlMs,
      () => this.wakeup.notify(),
      options.onError,
    );
    this.unsubscribe = store.onAppended(() => this.wakeup.notify());
    this.running = this.loop();
  }

  status(): OutboxRelayStatus {
    return {
      state: this.state,
      published: this.published,
      ...(this.pending === undefined ? {} : { pending: this.pending }),
      ...(this.hasError ? { error: this.error } : {}),
    };
  }

  async whenIdle(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = checkTimeout('whenIdle', options?.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.assertRunning();
      const pending = await this.store.outbox.countPending();
      if (pending === 0) return;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new OutboxRelayError(
          'REQUEST_TIMEOUT',
          `The outbox still has ${pending} pending entries after ${timeoutMs} ms (relay ${this.state}). Wait longer, or check that a relay is active and the bus accepts publishes (status().error).`,
        );
      await this.nextPass(Math.min(left, this.options.pollIntervalMs));
    }
  }

  stop(): Promise<void> {
    this.stopping.abort();
    this.wakeup.notify();
    return this.running;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      try {
        const more = this.lease.held ? await this.pass() : await this.takeOverOrStandBy();
        failures = 0;
        this.hasError = false;
        this.passEnded();
        if (this.state === 'standby') await sleep(this.options.pollIntervalMs, this.stopping.signal);
        else if (!more) await this.wakeup.wait(this.options.pollIntervalMs, this.stopping.signal);
      } catch (error) {
        [this.error, this.hasError] = [error, true];
        // A closed store or bus will not come back: stop instead of retrying for ever.
        if (isTributaryError(error, 'CLOSED')) break;
        this.options.onError(error);
        this.passEnded();
        await sleep(backoffDelay(this.retry, ++failures), this.stopping.signal);
      }
    }
    this.unsubscribe();
    try {
      await this.lease.release();
    } catch (error) {
      // The lease lapses after its ttl anyway; a closed store has nothing to release.
      if (!isTributaryError(error, 'CLOSED')) this.options.onError(error);
    }
    this.state = 'stopped';
    this.pending = undefined;
    this.passEnded();
  }

  private async takeOverOrStandBy(): Promise<boolean> {
    if (await this.lease.acquire()) {
      this.state = 'active';
      return true;
    }
    this.state = 'standby';
    this.pending = undefined;
    return false;
  }

  /**
   * Publishes one page of pending entries, topic by topic in outbox order, marking each topic's
   * entries published once its publish resolved. Returns whether more entries may be waiting.
   */
  private async pass(): Promise<boolean> {
    const { batchSize } = this.options;
    const entries = await this.store.outbox.pending({ limit: batchSize });
    this.pending = entries.length < batchSize ? entries.length : undefined;
    for (const [topic, group] of byTopic(entries)) {
      // A relay that lost its lease stops before the next publish: the new owner carries on.
      if (!this.lease.held || this.stopping.signal.aborted) return false;
      await this.bus.publishBatch(
        group.map((entry) => ({ event: entry.recorded.event, key: entry.recorded.stream })),
        { topic },
      );
      this.published += group.length;
      await this.store.outbox.markPublished(group.map((entry) => entry.id));
      if (this.pending !== undefined) this.pending -= group.length;
    }
    return entries.length === batchSize;
  }

  /** Resolves at the end of the next pass (or standby check), or after `ms`. */
  private nextPass(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.passWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.passWaiters.add(done);
    });
  }

  private passEnded(): void {
    for (const waiter of this.passWaiters) waiter();
  }

  private assertRunning(): void {
    if (this.state === 'stopped' || this.stopping.signal.aborted)
      throw new OutboxRelayError(
        'CLOSED',
        `The outbox relay was stopped${this.hasError ? ` (${String(this.error)})` : ''}: start a relay again (startOutboxRelay) to wait for the outbox to drain.`,
      );
  }
}

/** The entries grouped by topic, topics in order of first appearance, entries in outbox order. */
function byTopic(entries: readonly OutboxEntry[]): Map<string, OutboxEntry[]> {
  const groups = new Map<string, OutboxEntry[]>();
  for (const entry of entries) {
    const group = groups.get(entry.topic);
    if (group === undefined) groups.set(entry.topic, [entry]);
    else group.push(entry);
  }
  return groups;
}
