// Applies events to saga instances: one event at a time per instance in this process, optimistic
// concurrency across processes (reload and decide again on a conflict), duplicates applied once.
import type { Bus } from '../bus/bus.js';
import type { CloudEvent } from '../envelope/types.js';
import { isTributaryError, StorageError } from '../errors/errors.js';
import { DEFAULT_TENANT, type EventStore } from '../ports/event-store.js';
import { sleep } from '../reliability/sleep.js';
import { DeadlineTimers } from './deadline-timers.js';
import { KeyedLock } from './keyed-lock.js';
import type { SagaMachine } from './machine.js';
import { recordOf, SagaDeadline, SagaDeadlineRequested, type SagaRecord } from './record.js';
import { instanceStream, type PlanSaga, planTransition } from './transition-plan.js';
import type { SagaApplyOutcome, SagaRunnerStatus } from './types.js';

/** Conflicting updates of one instance tried before the error goes to the subscription's retries. */
const MAX_CONFLICT_RETRIES = 50;

export interface EngineOptions {
  readonly bus: Bus;
  readonly store: EventStore;
  readonly tenant: string | undefined;
  readonly onError: (error: unknown) => void;
}

/** Where an event goes. */
interface Target {
  readonly kind: 'event' | 'deadline' | 'request';
  readonly instanceId: string;
  readonly tenant: string;
  readonly stream: string;
}

export interface LoadedInstance {
  readonly record: SagaRecord;
  readonly version: bigint;
}

export class SagaEngine {
  private readonly locks = new KeyedLock();
  readonly timers: DeadlineTimers;
  private readonly counts = { applied: 0, duplicates: 0, skipped: 0, conflicts: 0 };

  constructor(
    private readonly saga: PlanSaga & { readonly instanceIdOf: (event: CloudEvent) => string | undefined },
    private readonly machine: SagaMachine,
    private readonly options: EngineOptions,
  ) {
    this.timers = new DeadlineTimers(options.bus, saga.name, saga.deadlineTopic, options.onError);
  }

  status(): SagaRunnerStatus {
    return { ...this.counts, timersScheduled: this.timers.scheduled, timersCancelled: this.timers.cancelled };
  }

  /** Applies one event to the instance it belongs to. */
  async apply(event: CloudEvent): Promise<SagaApplyOutcome> {
    const target = this.route(event);
    const outcome =
      target === undefined
        ? 'skipped'
        : await this.locks.run(`${target.tenant}\u0000${target.stream}`, () =>
            target.kind === 'request' ? this.scheduleDeadline(event, target) : this.transition(event, target),
          );
    this.counts[outcome === 'applied' ? 'applied' : outcome === 'duplicate' ? 'duplicates' : 'skipped'] += 1;
    return outcome;
  }

  /** The instance's last record, or `undefined` when it does not exist. */
  async load(stream: string, tenant: string): Promise<LoadedInstance | undefined> {
    const [last] = await this.options.store.readStream(stream, {
      tenant,
      direction: 'backward',
      maxCount: 1,
    });
    if (last === undefined) return undefined;
    const record = recordOf(last.event, stream);
    if (record.saga !== this.saga.name)
      throw new StorageError(
        'CORRUPT_DATA',
        `Stream "${stream}" holds an instance of saga "${record.saga}", not "${this.saga.name}": two sagas share a stream name. Rename one of them.`,
      );
    return { record, version: last.version };
  }

  private route(event: CloudEvent): Target | undefined {
    const tenant = event.tenantid ?? this.options.tenant ?? DEFAULT_TENANT;
    if (this.options.tenant !== undefined && tenant !== this.options.tenant) return undefined;
    let kind: Target['kind'] = 'event';
    let instanceId: string | undefined;
    if (event.type === SagaDeadline.type || event.type === SagaDeadlineRequested.type) {
      const data = event.data;
      const own = typeof data === 'object' && data !== null && 'saga' in data && data.saga === this.saga.name;
      if (!own || !('instanceId' in data) || typeof data.instanceId !== 'string') return undefined;
      kind = event.type === SagaDeadline.type ? 'deadline' : 'request';
      instanceId = data.instanceId;
    } else {
      if (this.machine.types !== undefined && !this.machine.types.has(event.type)) return undefined;
      instanceId = this.saga.instanceIdOf(event);
    }
    if (typeof instanceId !== 'string' || instanceId.length === 0) return undefined;
    return { kind, instanceId, tenant, stream: instanceStream(this.saga.name, instanceId) };
  }

  private async transition(event: CloudEvent, target: Target): Promise<SagaApplyOutcome> {
    const { store } = this.options;
    for (let attempt = 1; ; attempt++) {
      const previous = await this.load(target.stream, target.tenant);
      if (previous?.record.recent.includes(event.id) === true) return 'duplicate';
      let firedDeadline: string | undefined;
      if (target.kind === 'deadline') {
        // Only the timer of a deadline still pending counts: others were cancelled or moved.
        firedDeadline = previous?.record.deadlines.find((d) => d.id === event.id)?.name;
        this.timers.fired(event.id);
        if (firedDeadline === undefined) return 'skipped';
      } else if (previous === undefined && !this.machine.startTypes.has(event.type)) {
        return 'skipped';
      }
      const now = Date.now();
      const decision = this.machine.decide({
        record: previous?.record,
        event,
        deadline: firedDeadline,
        instanceId: target.instanceId,
        tenant: target.tenant,
        now,
      });
      if (decision === undefined) return 'skipped';
      const plan = planTransition({
        saga: this.saga,
        instanceId: target.instanceId,
        tenant: target.tenant,
        stream: target.stream,
        previous,
        event,
        firedDeadline,
        decision,
        now,
      });
      let version: bigint;
      try {
        const [result] = await store.appendToStreams(plan.appends, { tenant: target.tenant });
        version = result?.nextExpectedVersion ?? 0n;
      } catch (error) {
        if (isTributaryError(error, 'WRONG_EXPECTED_VERSION') && attempt < MAX_CONFLICT_RETRIES) {
          this.counts.conflicts += 1;
          await sleep(Math.random() * Math.min(50, attempt * 5));
          continue;
        }
        // The transition's id is derived from the event: stored already means applied already.
        if (isTributaryError(error, 'DUPLICATE_EVENT_ID')) return 'duplicate';
        throw error;
      }
      // An idempotent append (the same transition stored earlier) writes nothing.
      if (previous !== undefined && version !== previous.version + 1n) return 'duplicate';
      await this.timers.cancel(plan.cancelled);
      return 'applied';
    }
  }

  private async scheduleDeadline(request: CloudEvent, target: Target): Promise<SagaApplyOutcome> {
    const parsed = SagaDeadlineRequested.schema.safeParse(request.data);
    if (!parsed.success) return 'skipped';
    const loaded = await this.load(target.stream, target.tenant);
    const deadline = loaded?.record.deadlines.find((d) => d.id === parsed.data.deadlineId);
    // Already fired, cancelled or never committed: no timer.
    if (deadline === undefined) return 'skipped';
    await this.timers.schedule(request, deadline, target);
    return 'applied';
  }
}
