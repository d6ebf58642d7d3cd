import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument, TributaryError } from '../errors/errors.js';
import type { Log, TopicConfig, TopicDescription } from '../ports/log.js';
import { Requester } from '../request-reply/requester.js';
import { sendReply } from '../request-reply/send-reply.js';
import type { RequestOptions } from '../request-reply/types.js';
import { subscribe } from '../subscribe/subscription.js';
import type { SubscribeOptions, Subscription } from '../subscribe/types.js';
import { logTimerError } from '../timers/timer-errors.js';
import { TIMERS_TOPIC } from '../timers/timer-records.js';
import { TimerService } from '../timers/timer-service.js';
import { TimerTable } from '../timers/timer-table.js';
import type { ScheduledEvent, ScheduledFilter, TimerErrorContext } from '../timers/types.js';
import { resolveTopicConfig } from '../topics/topic-config.js';
import { Consumer } from './consumer.js';
import { resolveConsumerOptions } from './consumer-options.js';
import type { EventDefinition, EventOf } from './events-api.js';
import { GroupCoordinator } from './group-coordinator.js';
import type { GroupSnapshot } from './group-state.js';
import { Producer } from './producer.js';
import { TopicMetadata } from './topic-metadata.js';
import type {
  BatchEntry,
  ConsumerOptions,
  PublishBatchOptions,
  PublishOptions,
  PublishResult,
} from './types.js';

/** Options of `connect` / {@link createBus}. */
export interface BusOptions {
  /**
   * Create unknown topics on first publish or subscribe instead of rejecting with
   * `UNKNOWN_TOPIC`: `true` with the default topic config, or the config to create them with.
   * Default false.
   */
  readonly autoCreateTopics?: boolean | Partial<TopicConfig>;
  /** Prefix of this bus's consumer member ids, for logs. Default `'tributary'`. */
  readonly clientId?: string;
  /**
   * Called when the timer service (scheduled publishes) fails to start, read its topic, deliver a
   * due event (retried with backoff) or record it as fired. Default: a line on stderr.
   */
  readonly onTimerError?: (error: unknown, ctx: TimerErrorContext) => void;
  /**
   * Fire the pending timers of earlier runs from this bus (default true). Short-lived tools (the
   * `trib` CLI) set it false so that opening a data directory never delivers due events.
   */
  readonly resumeTimers?: boolean;
}

/**
 * The event bus over one {@link Log}: publish events, create topics, consume in consumer groups.
 * Consumer groups are coordinated in this process, by this bus (members of a group must share the
 * bus); committed offsets are stored in the log, so they survive restarts.
 */
export class Bus {
  /** The Log port underneath. */
  readonly log: Log;
  private readonly coordinator: GroupCoordinator;
  private readonly topics: TopicMetadata;
  private readonly producer: Producer;
  private readonly consumers = new Set<{ stop(): Promise<void> }>();
  private readonly clientId: string;
  private members = 0;
  private closing: Promise<void> | undefined;
  private requester: Requester | undefined;
  private timers: TimerService | undefined;
  private readonly onTimerError: (error: unknown, ctx: TimerErrorContext) => void;
  /** Resumes pending timers of an earlier run (see {@link resumeTimers}). */
  private readonly timersResumed: Promise<void>;

  constructor(log: Log, options: BusOptions = {}) {
    this.log = log;
    this.clientId = resolveClientId(options.clientId);
    this.topics = new TopicMetadata(log, resolveAutoCreate(options.autoCreateTopics));
    this.coordinator = new GroupCoordinator(log);
    this.onTimerError = resolveOnTimerError(options.onTimerError);
    this.producer = new Producer(log, this.topics, {
      schedule: (items) => this.timerService().schedule(items),
    });
    this.timersResumed = options.resumeTimers === false ? Promise.resolve() : this.resumeTimers();
  }

  /**
   * Subscribes a handler to events with the reliability a production consumer needs, each one an
   * option: retries with backoff (in place or via retry topics), dead letters, dedupe, at-most /
   * at-least / exactly-once delivery, a circuit breaker, metrics and graceful stop. Resolves once
   * the subscription holds its partitions. See {@link SubscribeOptions}.
   */
  subscribe<D extends EventDefinition, Tx = undefined>(
    options: SubscribeOptions<D, Tx>,
  ): Promise<Subscription> {
    this.assertOpen('subscribe');
    return subscribe(this, options);
  }

  /**
   * Request-reply over events: publishes `command` with a `replyto` extension naming the reply
   * topic and resolves with the reply (matched by causation/correlation id). Rejects with
   * `REQUEST_TIMEOUT` when none arrives within `timeoutMs`; a late reply is dropped and counted.
   */
  request(command: CloudEvent, options?: RequestOptions): Promise<CloudEvent> {
    this.assertOpen('request');
    this.requester ??= new Requester(this, { clientId: this.clientId });
    return this.requester.request(command, options);
  }

  /** Publishes `reply` to the `replyto` topic of `request`, carrying its correlation and causation. */
  reply(request: CloudEvent, reply: CloudEvent): Promise<PublishResult> {
    this.assertOpen('reply');
    return sendReply(this, request, reply);
  }

  /** Creates a topic (a pass-through to the log). Rejects with `TOPIC_EXISTS` when it exists. */
  async createTopic(name: string, config?: Partial<TopicConfig>): Promise<TopicDescription> {
    this.assertOpen('createTopic');
    const created = await this.log.createTopic(name, config);
    this.topics.remember(name, created.partitions.length);
    return created;
  }

  /**
   * Publishes one event. The topic is `options.topic`, else the event definition's topic; the key
   * is `options.key`, else the event's `partitionkey`. Resolves once the record is durable per the
   * topic's fsync policy. A non-event or an event failing its schema is rejected, nothing written.
   */
  async publish(event: CloudEvent, options?: PublishOptions): Promise<PublishResult> {
    this.assertOpen('publish');
    return this.producer.publish(event, options);
  }

  /**
   * Publishes many events with one append per partition; results in input order. Every event is
   * checked before anything is written.
   */
  async publishBatch(events: readonly BatchEntry[], options?: PublishBatchOptions): Promise<PublishResult[]> {
    this.assertOpen('publishBatch');
    return this.producer.publishBatch(events, options);
  }

  /**
   * Cancels a scheduled publish by its `PublishResult.scheduledId`. Resolves with true when a
   * pending timer was cancelled (durably: it will not fire, even after a restart), false when no
   * timer with that id is pending (unknown, already fired or already cancelled).
   */
  async cancelScheduled(id: string): Promise<boolean> {
    this.assertOpen('cancelScheduled');
    if (typeof id !== 'string' || id.length === 0) {
      throw invalidArgument(
        `cancelScheduled expects the scheduledId a scheduled publish returned; got ${JSON.stringify(id) ?? typeof id}.`,
      );
    }
    await this.timersResumed;
    return this.timers === undefined ? false : this.timers.cancel(id);
  }

  /**
   * The pending scheduled publishes (id, topic, key, deliverAt, event type and id, …), earliest
   * first, optionally filtered: for diagnostics and deadline queries.
   */
  async scheduled(filter?: ScheduledFilter): Promise<ScheduledEvent[]> {
    this.assertOpen('scheduled');
    await this.timersResumed;
    // Without timers, an empty table still checks the filter.
    return this.timers === undefined ? new TimerTable().list(filter) : this.timers.list(filter);
  }

  /**
   * Creates a consumer group member; nothing happens until `run`. With `events`, the handler
   * receives those events, typed and validated; otherwise every event of the topics, unvalidated.
   */
  consumer<D extends EventDefinition>(
    options: ConsumerOptions<D> & { readonly events: readonly D[] },
  ): Consumer<EventOf<D>>;
  consumer(options: ConsumerOptions): Consumer;
  consumer(options: ConsumerOptions): Consumer {
    this.assertOpen('consumer');
    const consumer = new Consumer(
      {
        log: this.log,
        coordinator: this.coordinator,
        topics: this.topics,
        newMemberId: () => `${this.clientId}-${String(++this.members).padStart(6, '0')}`,
        onStopped: (c) => this.consumers.delete(c),
      },
      resolveConsumerOptions(options),
    );
    this.consumers.add(consumer);
    return consumer;
  }

  /** A consumer group's members, their partitions and generation (diagnostics). */
  describeGroup(group: string): GroupSnapshot | undefined {
    return this.coordinator.describeGroup(group);
  }

  /**
   * Stops the timer service (pending timers stay in the log and fire after the next connect) and
   * every consumer (committing per their settings), then closes the log. Idempotent.
   */
  close(): Promise<void> {
    if (this.closing === undefined) this.closing = this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    // Not awaiting timersResumed: a resume still probing sees `closing` and starts nothing.
    await this.timers?.stop();
    await this.requester?.close();
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.coordinator.close();
    await this.log.close();
  }

  /** The timer service, created on first use (a scheduled publish, or timers left by an earlier run). */
  private timerService(): TimerService {
    this.assertOpen('publish');
    this.timers ??= new TimerService({
      log: this.log,
      createConsumer: (options) => this.consumer(options),
      deliver: (items) => this.producer.deliver(items),
      onError: this.onTimerError,
    });
    return this.timers;
  }

  /**
   * Starts the timer service when the timers topic exists, so timers pending from an earlier run
   * fire without any call. One `describeTopic` per bus; a bus that never schedules pays nothing more.
   */
  private async resumeTimers(): Promise<void> {
    try {
      await this.log.describeTopic(TIMERS_TOPIC);
    } catch {
      return; // no timers topic (or the log cannot tell): nothing to resume
    }
    if (this.closing !== undefined) return;
    await this.timerService()
      .start()
      .catch((error: unknown) => this.onTimerError(error, { phase: 'start' }));
  }

  private assertOpen(operation: string): void {
    if (this.closing !== undefined) {
      throw new TributaryError('CLOSED', `The bus is closed: ${operation} cannot run. Connect again.`);
    }
  }
}

function resolveAutoCreate(option: BusOptions['autoCreateTopics']): Partial<TopicConfig> | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return {};
  if (typeof option !== 'object' || option === null) {
    throw invalidArgument(
      `Option autoCreateTopics must be a boolean or a topic config; got ${typeof option}.`,
    );
  }
  resolveTopicConfig(option); // fail now (INVALID_TOPIC_CONFIG), not on first publish
  return option;
}

function resolveOnTimerError(onTimerError: unknown): (error: unknown, ctx: TimerErrorContext) => void {
  if (onTimerError === undefined) return logTimerError;
  if (typeof onTimerError !== 'function') {
    throw invalidArgument('Option onTimerError must be a function (error, ctx) => void.');
  }
  return (error, ctx) => onTimerError(error, ctx);
}

function resolveClientId(clientId: unknown): string {
  if (clientId === undefined) return 'tributary';
  if (typeof clientId !== 'string' || !/^[\w.-]{1,100}$/.test(clientId)) {
    throw invalidArgument(
      `Option clientId=${JSON.stringify(clientId)} is invalid: use 1 to 100 letters, digits, ".", "_" or "-".`,
    );
  }
  return clientId;
}

/** A bus over an existing log. `connect()` is the usual way in. */
export function createBus(log: Log, options?: BusOptions): Bus {
  return new Bus(log, options);
}
