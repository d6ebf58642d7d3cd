import type { Bus } from '../bus/bus.js';
import type { ConsumerErrorContext, StartFrom } from '../bus/types.js';
import type { CloudEvent } from '../envelope/types.js';
import type { OutboxRelayOptions } from '../outbox/types.js';
import type { DedupeStore } from '../ports/dedupe.js';
import type { EventStore } from '../ports/event-store.js';
import type { RetryOptions } from '../reliability/retry-policy.js';

/** Event types to match: a type string, an event definition (its `type`), or a list of them. */
export type EventTypes = string | { readonly type: string } | readonly (string | { readonly type: string })[];

/** What a saga callback returns: the command(s) or event(s) to publish (none: `[]`). */
export type SagaCommands = CloudEvent | readonly CloudEvent[];

/**
 * The lifecycle of a saga instance: `running`, then `completed`, or `compensating` (a step failed
 * or a deadline passed) then `compensated` (also when there was nothing to undo). `failed` is
 * set by a state machine's `handle`; step sagas never fail without compensating.
 */
export type SagaStatus = 'running' | 'completed' | 'compensating' | 'compensated' | 'failed';

/** What step callbacks (`invoke`, `compensate`, `onCompleted`, `onCompensated`) get. */
export interface SagaContext<D> {
  readonly instanceId: string;
  /** The event being handled: pass it as `causedBy` so commands carry correlation and causation. */
  readonly event: CloudEvent;
  /** The instance's data so far (after `collect` folded `event` in). */
  readonly data: D;
  /** The tenant the instance belongs to. */
  readonly tenant: string;
}

/** What `compensate` gets: the context plus which attempt this is (1, then 2, 3… on re-publishes). */
export interface CompensationContext<D> extends SagaContext<D> {
  readonly attempt: number;
}

/** One step of an orchestrated saga: an action, how it ends, and how to undo it. */
export interface SagaStep<D> {
  /** Unique within the saga; shown as `currentStep` and in `completedSteps`. */
  readonly name: string;
  /** The command(s) that perform the step, published when the step starts. */
  readonly invoke: (ctx: SagaContext<D>) => SagaCommands;
  /** Event type(s) reporting the step's success: the saga moves to the next step. */
  readonly completesOn: EventTypes;
  /** Event type(s) reporting the step's failure: compensation of the completed steps starts. */
  readonly failsOn?: EventTypes;
  /** The command(s) undoing the step, published when compensating it. Without it: nothing to undo. */
  readonly compensate?: (ctx: CompensationContext<D>) => SagaCommands;
  /**
   * Event type(s) confirming the compensation. Without it, publishing the compensation counts as
   * done. With it, the compensation is re-published (with a new id) until the confirmation arrives.
   */
  readonly compensatedOn?: EventTypes;
  /** The step fails (and compensation starts) when it has not completed within this many ms. */
  readonly timeoutMs?: number;
}

/** Backoff of compensations whose confirmation does not arrive: the wait before each re-publish. */
export interface CompensationRetryOptions {
  /** Wait for the confirmation of the first attempt. Default 30 000 ms. */
  readonly initialDelayMs?: number;
  /** Longest wait. Default 600 000 ms (10 minutes). */
  readonly maxDelayMs?: number;
  /** Growth of the wait per attempt. Default 2. */
  readonly multiplier?: number;
}

/** What both saga styles have in common. */
export interface SagaBaseDefinition {
  /** The consumer group, the stream prefix of instances (`<name>-<instanceId>`) and the deadline topic prefix. */
  readonly name: string;
  /** Topics the saga consumes. */
  readonly topics: readonly string[];
  /** The event type(s) that create an instance (an event of these types for an existing instance is ignored). */
  readonly startedBy: EventTypes;
  /** The instance an event belongs to; `undefined` ignores the event. */
  readonly instanceId: (event: CloudEvent) => string | undefined;
  /**
   * The topic of a command. Default: the topic of the command's definition
   * (`defineEvent(…, { topic })`); a command with neither fails the transition.
   */
  readonly commandTopic?: (command: CloudEvent) => string | undefined;
}

/** An orchestrated saga made of steps, each with its compensation. */
export interface StepSagaDefinition<D> extends SagaBaseDefinition {
  readonly steps: readonly SagaStep<D>[];
  /** The whole saga must complete within this many ms, or the completed steps are compensated. */
  readonly deadlineMs?: number;
  /** The instance's first data, from the starting event. Default `{}`. */
  readonly initialData?: (event: CloudEvent) => D;
  /** Folds facts of each handled event into the data (e.g. a payment id a refund needs). */
  readonly collect?: (data: D, event: CloudEvent) => D;
  /** Published when every step completed. */
  readonly onCompleted?: (ctx: SagaContext<D>) => SagaCommands;
  /** Published when compensation finished (also when the first step failed: nothing to undo). */
  readonly onCompensated?: (ctx: SagaContext<D>) => SagaCommands;
  /** How long to wait for a compensation's confirmation before re-publishing it. */
  readonly compensationRetry?: CompensationRetryOptions;
  readonly handle?: undefined;
}

/** What a state-machine saga's `handle` gets besides the state and the event. */
export interface StateMachineContext {
  readonly instanceId: string;
  readonly tenant: string;
  /** Set when `event` is a deadline firing: the deadline's name. */
  readonly deadline?: string;
  /** The time of the transition (deadlines are usually computed from it). */
  readonly now: Date;
}

/** A state-machine transition: the new state and what to do. */
export interface SagaTransition<S> {
  readonly state: S;
  /** Published atomically with the new state, through the outbox. */
  readonly commands?: readonly CloudEvent[];
  /** Deadlines to set (a name already pending is moved); each fires `handle` with `ctx.deadline` set. */
  readonly deadlines?: readonly { readonly name: string; readonly at: Date }[];
  /** Names of pending deadlines to cancel. */
  readonly cancelDeadlines?: readonly string[];
  /** Default `'running'`. A final status (`completed`, `failed`) cancels every pending deadline. */
  readonly status?: 'running' | 'completed' | 'failed';
  /** Names the transition in the instance's history. Default: the event type (or `deadline <name>`). */
  readonly transition?: string;
}

/** A process manager: full control through `(state, event) -> { state, commands }`. */
export interface StateMachineSagaDefinition<S> extends SagaBaseDefinition {
  /** The state of a new instance (before its starting event is handled). */
  readonly initialState: (event: CloudEvent) => S;
  /**
   * Handles one event (or a deadline, `ctx.deadline`). Return `undefined` to ignore the event
   * (nothing is recorded). Must be deterministic and free of side effects: it may run again after
   * a concurrent update of the instance.
   */
  readonly handle: (state: S, event: CloudEvent, ctx: StateMachineContext) => SagaTransition<S> | undefined;
  /** Only these event types reach `handle` (besides deadlines). Default: every event of `topics`. */
  readonly handles?: EventTypes;
  readonly steps?: undefined;
}

/** A saga definition of either style. */
export type SagaDefinition<D> = StepSagaDefinition<D> | StateMachineSagaDefinition<D>;

/** A checked saga definition, made by `defineSaga`, run by `startSaga`. */
export interface Saga<D> {
  readonly name: string;
  readonly kind: 'steps' | 'state-machine';
  /** The topic its deadlines are delivered on: `<name>.deadlines`. */
  readonly deadlineTopic: string;
  readonly definition: SagaDefinition<D>;
}

/** One transition in an instance's history. */
export interface SagaHistoryEntry {
  /** When it was applied (RFC 3339). */
  readonly at: string;
  /** The type of the event that caused it (`tributary.saga.deadline` for a deadline). */
  readonly event: string;
  readonly eventId: string;
  /** What happened, e.g. `started`, `payment completed`, `ignored: …`. */
  readonly transition: string;
}

/** A saga instance as stored after its last transition. */
export interface SagaInstance<D = unknown> {
  readonly id: string;
  readonly saga: string;
  readonly tenant: string;
  readonly status: SagaStatus;
  /** The step in flight (running) or being compensated (compensating). */
  readonly currentStep?: string;
  readonly completedSteps: readonly string[];
  readonly compensatedSteps: readonly string[];
  /** The step saga's data, or the state machine's state. */
  readonly data: D;
  readonly history: readonly SagaHistoryEntry[];
  readonly pendingDeadlines: readonly { readonly name: string; readonly at: string }[];
  /** Why the saga is compensating or compensated. */
  readonly failure?: string;
  /** Compensation attempts that failed (not confirmed in time, or `compensate` threw). */
  readonly compensationFailures: number;
  /** The version of the instance's stream (one per transition). */
  readonly version: bigint;
}

/** What {@link SagaRunner.apply} did with an event. */
export type SagaApplyOutcome =
  /** A transition was recorded. */
  | 'applied'
  /** Already applied to the instance (same event id): nothing done. */
  | 'duplicate'
  /** Not for this saga: another type, no instance id, no instance and not a starting event, or a stale deadline. */
  | 'skipped';

/** Options of `startSaga`. */
export interface StartSagaOptions {
  readonly bus: Bus;
  readonly store: EventStore;
  /**
   * The tenant of every instance; events of other tenants are skipped. Default: each instance
   * lives in the tenant of the event that started it.
   */
  readonly tenant?: string;
  /**
   * The outbox relay publishing the saga's commands and deadline requests (and every other outbox
   * entry of the store): `true` (default) starts one with `startSaga` (it stands by while another
   * relay holds the store's lease) and stops it with `stop()`; options start one with them;
   * `false` when you run `startOutboxRelay` yourself.
   */
  readonly relay?: boolean | OutboxRelayOptions;
  /**
   * Dedupe of the saga's subscription, a shortcut for re-deliveries. Default: in memory (an hour,
   * 100 000 ids). Each instance also remembers the last 100 event ids it applied, durably.
   */
  readonly dedupe?: DedupeStore;
  /** Retries of a failing transition (default: 20 attempts, 50 ms to 5 s) before the event is dead-lettered. */
  readonly retry?: RetryOptions;
  /**
   * Where the saga's group starts on a topic it has no committed offset for. Default `'earliest'`:
   * a saga must not miss an event published before its first start; use `'latest'` for a new saga
   * on topics with a long history.
   */
  readonly from?: StartFrom;
  /** Failures the saga cannot handle itself (transition retries, timer cancellations, the relay). */
  readonly onError?: (error: unknown, ctx?: ConsumerErrorContext) => void;
}

/** Counters of a running saga. */
export interface SagaRunnerStatus {
  readonly applied: number;
  readonly duplicates: number;
  readonly skipped: number;
  /** Transitions re-done because another writer updated the instance first. */
  readonly conflicts: number;
  /** Deadline requests turned into timers. */
  readonly timersScheduled: number;
  readonly timersCancelled: number;
}

/** A running saga (`startSaga`). */
export interface SagaRunner<D> {
  readonly saga: Saga<D>;
  /** The instance, or `undefined` when it does not exist. */
  get(instanceId: string, options?: { readonly tenant?: string }): Promise<SagaInstance<D> | undefined>;
  /** Every instance of this saga (optionally of one status), read from the store's global log. */
  list(filter?: {
    readonly status?: SagaStatus | readonly SagaStatus[];
    readonly tenant?: string;
  }): AsyncIterable<SagaInstance<D>>;
  /**
   * Handles one event now, as the subscription does (to feed events from elsewhere, or in tests).
   * Safe to call concurrently with the subscription: transitions use optimistic concurrency.
   */
  apply(event: CloudEvent): Promise<SagaApplyOutcome>;
  status(): SagaRunnerStatus;
  /** Stops the subscription (and the relay started with it). */
  stop(): Promise<void>;
}
