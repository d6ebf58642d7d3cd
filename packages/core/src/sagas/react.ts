// Choreography: a service reacts to an event by emitting events, with the subscription's
// reliability (retries, dead letters, dedupe) and causation carried from the event it reacts to.
import type { Bus } from '../bus/bus.js';
import type { EventDefinition, EventOf } from '../bus/events-api.js';
import type { ConsumerErrorContext, StartFrom } from '../bus/types.js';
import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument } from '../errors/errors.js';
import { definitionOf } from '../events/definition-of.js';
import type { DedupeStore } from '../ports/dedupe.js';
import type { RetryOptions } from '../reliability/retry-policy.js';
import type { Subscription, SubscriptionContext } from '../subscribe/types.js';
import { deterministicId } from './deterministic-id.js';
import { commandList } from './machine.js';
import type { SagaCommands } from './types.js';

/** What `emit` may return: event(s) to publish, or nothing. */
export type Reaction = SagaCommands | undefined | Promise<SagaCommands | undefined>;

/** Options of {@link react} shared by both ways of naming the events. */
export interface ReactBaseOptions<E extends CloudEvent> {
  /** The consumer group (one per reaction: each group gets every event). */
  readonly group: string;
  /**
   * The events to publish for `event`. Their ids are replaced by ids derived from the group and
   * `event` (a re-run after a crash publishes the same ids), and they get `event` as cause
   * (causationid, correlationid, tenant, traceparent) unless they carry their own.
   */
  readonly emit: (event: E, ctx: SubscriptionContext) => Reaction;
  /** The topic of an emitted event. Default: its definition's topic. */
  readonly emitTopic?: (event: CloudEvent) => string | undefined;
  readonly from?: StartFrom;
  readonly retry?: RetryOptions | false;
  readonly dedupe?: DedupeStore;
  readonly deadLetter?: boolean;
  readonly onError?: (error: unknown, ctx: ConsumerErrorContext) => void;
}

/** {@link react} on event definitions: the handler gets typed, validated events. */
export interface ReactToDefinitions<D extends EventDefinition> extends ReactBaseOptions<EventOf<D>> {
  readonly on: D | readonly D[];
  /** Extra topics (default: the definitions' topics). */
  readonly topics?: readonly string[];
}

/** {@link react} on event type names: the events are not validated. */
export interface ReactToTypes extends ReactBaseOptions<CloudEvent> {
  readonly on: string | readonly string[];
  readonly topics: readonly string[];
}

/**
 * Reacts to events by emitting events: choreography without an orchestrator.
 *
 * ```ts
 * await react(bus, {
 *   on: OrderPlaced,
 *   group: 'inventory',
 *   emit: (event) => StockReserved.create({ orderId: event.data.orderId }, { causedBy: event }),
 * });
 * ```
 *
 * Runs on `bus.subscribe` (retries, dead letters, dedupe when given). The emitted events are
 * published before the event is committed: a crash in between re-runs `emit` and publishes the
 * same ids again, which consumers with dedupe handle once.
 *
 * @throws ValidationError `INVALID_ARGUMENT` for bad options.
 */
export function react<D extends EventDefinition>(
  bus: Bus,
  options: ReactToDefinitions<D>,
): Promise<Subscription>;
export function react(bus: Bus, options: ReactToTypes): Promise<Subscription>;
export async function react(
  bus: Bus,
  options: ReactToDefinitions<EventDefinition> | ReactToTypes,
): Promise<Subscription> {
  if (typeof options !== 'object' || options === null || typeof options.emit !== 'function')
    throw invalidArgument('react expects { on, group, emit: (event) => event(s) }.');
  const on: readonly unknown[] = Array.isArray(options.on) ? options.on : [options.on];
  if (on.length === 0) throw invalidArgument('react: on needs at least one event type or definition.');
  const { group, emit, emitTopic } = options;
  const publish = async (event: CloudEvent, ctx: SubscriptionContext) => {
    const emitted = commandList(await emit(event, ctx), `react "${group}" emit`);
    await publishEmitted(bus, group, event, emitted, emitTopic);
  };
  const common = {
    group,
    ...(options.from === undefined ? {} : { from: options.from }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.dedupe === undefined ? {} : { dedupe: options.dedupe }),
    ...(options.deadLetter === undefined ? {} : { deadLetter: options.deadLetter }),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  };
  if (on.every((entry) => typeof entry === 'string')) {
    const types = new Set(on);
    if (!Array.isArray(options.topics) || options.topics.length === 0)
      throw invalidArgument('react: with event type names in on, give the topics to consume.');
    return bus.subscribe({
      ...common,
      topics: options.topics,
      handler: (event, ctx) => (types.has(event.type) ? publish(event, ctx) : undefined),
    });
  }
  const definitions = on.filter(isDefinition);
  if (definitions.length !== on.length)
    throw invalidArgument(
      'react: on must be event definitions (from defineEvent) or event type names, not a mix.',
    );
  return bus.subscribe({
    ...common,
    events: definitions,
    ...(options.topics === undefined ? {} : { topics: options.topics }),
    handler: publish,
  });
}

function isDefinition(value: unknown): value is EventDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    'type' in value &&
    typeof value.type === 'string' &&
    'parse' in value &&
    typeof value.parse === 'function'
  );
}

async function publishEmitted(
  bus: Bus,
  group: string,
  cause: CloudEvent,
  emitted: readonly CloudEvent[],
  emitTopic: ((event: CloudEvent) => string | undefined) | undefined,
): Promise<void> {
  const byTopic = new Map<string, CloudEvent[]>();
  emitted.forEach((event, i) => {
    const topic = emitTopic?.(event) ?? definitionOf(event)?.topic;
    if (topic === undefined)
      throw invalidArgument(
        `react "${group}" cannot publish "${event.type}": it has no topic. Give its definition one or pass emitTopic.`,
      );
    const list = byTopic.get(topic) ?? [];
    list.push(causedBy(event, cause, deterministicId('react', group, cause.id, String(i))));
    byTopic.set(topic, list);
  });
  for (const [topic, events] of byTopic) await bus.publishBatch(events, { topic });
}

/** `event` with a derived id and `cause`'s correlation, causation, tenant and trace unless it has its own. */
function causedBy(event: CloudEvent, cause: CloudEvent, id: string): CloudEvent {
  const inherited = {
    causationid: event.causationid ?? cause.id,
    correlationid: event.correlationid ?? cause.correlationid ?? cause.id,
    tenantid: event.tenantid ?? cause.tenantid,
    traceparent: event.traceparent ?? cause.traceparent,
  };
  return { ...event, id, ...definedOnly(inherited) };
}

function definedOnly<T extends Record<string, string | undefined>>(
  values: T,
): Partial<Record<keyof T, string>> {
  const out: Partial<Record<keyof T, string>> = {};
  for (const key of Object.keys(values) as (keyof T)[]) {
    const value = values[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
