import { invalidArgument } from '../errors/errors.js';
import { validateGroupName, validateTopicName } from '../topics/topic-config.js';
import { resolveAssignor } from './assignors/index.js';
import type { Assignor } from './assignors/types.js';
import type { EventDefinition } from './events-api.js';
import type { ConsumerErrorContext, ConsumerOptions, StartFrom } from './types.js';

/** {@link ConsumerOptions} with defaults applied and every value checked. */
export interface ResolvedConsumerOptions {
  readonly group: string;
  /** Every subscribed topic: `topics` plus the topics of `events`. */
  readonly topics: readonly string[];
  readonly events: readonly EventDefinition[] | undefined;
  readonly from: StartFrom;
  readonly assignor: Assignor;
  /** Auto-commit interval, or undefined when auto-commit is off. */
  readonly autoCommitIntervalMs: number | undefined;
  readonly maxPollIntervalMs: number;
  readonly maxBytesPerFetch: number;
  readonly fetchMaxWaitMs: number;
  /** Records of different keys handled at once per partition (1: strictly one at a time). */
  readonly keyConcurrency: number;
  /** Events in flight across the member's partitions before fetching waits. */
  readonly maxInFlight: number;
  readonly onError: (error: unknown, ctx: ConsumerErrorContext) => void;
}

export const CONSUMER_DEFAULTS = {
  from: 'latest',
  autoCommitIntervalMs: 5000,
  maxPollIntervalMs: 300_000,
  maxBytesPerFetch: 1024 * 1024,
  fetchMaxWaitMs: 500,
  keyConcurrency: 1,
  maxInFlight: 1000,
} as const;

function integer(name: string, value: unknown, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidArgument(`Consumer option ${name}=${String(value)} must be an integer >= ${min}.`);
  }
  return value;
}

function resolveFrom(from: unknown): StartFrom {
  if (from === undefined) return CONSUMER_DEFAULTS.from;
  if (from === 'earliest' || from === 'latest') return from;
  if (typeof from === 'object' && from !== null && 'timestamp' in from) {
    const { timestamp } = from;
    if (typeof timestamp === 'number' && Number.isSafeInteger(timestamp) && timestamp >= 0)
      return { timestamp };
  }
  throw invalidArgument(
    `Consumer option from=${JSON.stringify(from)} is invalid: use 'earliest', 'latest' or { timestamp: <ms since the epoch> }.`,
  );
}

function resolveAutoCommit(value: unknown): number | undefined {
  if (value === undefined || value === true) return CONSUMER_DEFAULTS.autoCommitIntervalMs;
  if (value === false) return undefined;
  if (typeof value === 'object' && value !== null && 'intervalMs' in value) {
    return integer('autoCommit.intervalMs', value.intervalMs, 1, CONSUMER_DEFAULTS.autoCommitIntervalMs);
  }
  throw invalidArgument(
    `Consumer option autoCommit must be true, false or { intervalMs }; got ${JSON.stringify(value)}.`,
  );
}

/** Topics of `topics` and of `events`, deduplicated; names the definition that lacks a topic. */
function resolveTopics(topics: unknown, events: readonly EventDefinition[] | undefined): string[] {
  if (topics !== undefined && !Array.isArray(topics)) {
    throw invalidArgument(`Consumer option topics must be an array of topic names; got ${typeof topics}.`);
  }
  const all = new Set<string>();
  for (const topic of topics ?? []) {
    validateTopicName(topic);
    all.add(topic);
  }
  for (const definition of events ?? []) {
    if (definition.topic !== undefined) all.add(definition.topic);
    else if (topics === undefined || topics.length === 0) {
      throw invalidArgument(
        `Event ${JSON.stringify(definition.type)} has no topic: pass topics to the consumer, or define the event with a topic.`,
      );
    }
  }
  if (all.size === 0)
    throw invalidArgument('A consumer needs at least one of topics or events to subscribe to.');
  return [...all];
}

function defaultOnError(error: unknown, ctx: ConsumerErrorContext): void {
  const where =
    ctx.topic === undefined
      ? ''
      : ` at ${ctx.topic}:${ctx.partition}${ctx.offset === undefined ? '' : ` offset ${ctx.offset}`}`;
  const message = error instanceof Error ? error.message : String(error);
  console.error(`[tributary] consumer group "${ctx.group}" ${ctx.phase} error${where}: ${message}`);
}

/** Applies defaults and validates; throws `INVALID_ARGUMENT` naming the bad option. */
export function resolveConsumerOptions(options: ConsumerOptions): ResolvedConsumerOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument('bus.consumer expects options { group, topics | events, ... }.');
  }
  validateGroupName(options.group);
  const events = options.events;
  if (events !== undefined) {
    if (!Array.isArray(events))
      throw invalidArgument('Consumer option events must be an array of event definitions.');
    events.forEach((definition: EventDefinition, i) => {
      if (typeof definition !== 'object' || definition === null || typeof definition.type !== 'string') {
        throw invalidArgument(
          `Consumer option events[${i}] is not an event definition (made with defineEvent).`,
        );
      }
    });
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw invalidArgument('Consumer option onError must be a function (error, ctx) => void.');
  }
  return {
    group: options.group,
    topics: resolveTopics(options.topics, events),
    keyConcurrency: integer('keyConcurrency', options.keyConcurrency, 1, CONSUMER_DEFAULTS.keyConcurrency),
    maxInFlight: integer('maxInFlight', options.maxInFlight, 1, CONSUMER_DEFAULTS.maxInFlight),
    events,
    from: resolveFrom(options.from),
    assignor: resolveAssignor(options.assignor),
    autoCommitIntervalMs: resolveAutoCommit(options.autoCommit),
    maxPollIntervalMs: integer(
      'maxPollIntervalMs',
      options.maxPollIntervalMs,
      1,
      CONSUMER_DEFAULTS.maxPollIntervalMs,
    ),
    maxBytesPerFetch: integer(
      'maxBytesPerFetch',
      options.maxBytesPerFetch,
      1,
      CONSUMER_DEFAULTS.maxBytesPerFetch,
    ),
    fetchMaxWaitMs: integer('fetchMaxWaitMs', options.fetchMaxWaitMs, 0, CONSUMER_DEFAULTS.fetchMaxWaitMs),
    onError: options.onError ?? defaultOnError,
  };
}
