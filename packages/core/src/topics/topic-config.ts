import { LogError } from '../errors/errors.js';
import { DEFAULT_TOPIC_CONFIG, type FsyncPolicy, type TopicConfig } from '../ports/log.js';

const LEGAL_NAME = /^[a-zA-Z0-9._-]+$/;
const MAX_NAME_LENGTH = 249;
const MAX_PARTITIONS = 10_000;

/** Validates a topic name by Kafka's rules; throws `INVALID_TOPIC_NAME` saying which rule broke. */
export function validateTopicName(name: unknown): asserts name is string {
  const fail = (why: string) =>
    new LogError('INVALID_TOPIC_NAME', `Invalid topic name ${JSON.stringify(name)}: ${why}.`);
  if (typeof name !== 'string') throw fail('a topic name must be a string');
  if (name.length === 0) throw fail('it is empty');
  if (name === '.' || name === '..') throw fail('"." and ".." are reserved');
  if (name.length > MAX_NAME_LENGTH)
    throw fail(`it is ${name.length} characters, the limit is ${MAX_NAME_LENGTH}`);
  if (!LEGAL_NAME.test(name)) throw fail('use only ASCII letters, digits, ".", "_" and "-"');
}

const FSYNC_POLICIES: readonly FsyncPolicy[] = ['always', 'interval', 'never'];

function integerIn(
  key: keyof TopicConfig,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new LogError(
      'INVALID_TOPIC_CONFIG',
      `Invalid topic config ${key}=${JSON.stringify(value)}: expected an integer from ${min} to ${max}.`,
    );
  }
  return value;
}

/** Merges a partial config over the defaults and validates every field, naming the bad one. */
export function resolveTopicConfig(partial: Partial<TopicConfig> = {}): TopicConfig {
  const known = new Set(Object.keys(DEFAULT_TOPIC_CONFIG));
  for (const key of Object.keys(partial)) {
    if (!known.has(key)) {
      throw new LogError(
        'INVALID_TOPIC_CONFIG',
        `Unknown topic config "${key}"; known configs: ${[...known].join(', ')}.`,
      );
    }
  }
  const merged = { ...DEFAULT_TOPIC_CONFIG, ...partial };
  if (!FSYNC_POLICIES.includes(merged.fsync)) {
    throw new LogError(
      'INVALID_TOPIC_CONFIG',
      `Invalid topic config fsync=${JSON.stringify(merged.fsync)}: expected one of ${FSYNC_POLICIES.join(', ')}.`,
    );
  }
  return {
    partitions: integerIn('partitions', merged.partitions, 1, MAX_PARTITIONS),
    retentionMs: integerIn('retentionMs', merged.retentionMs, -1),
    retentionBytes: integerIn('retentionBytes', merged.retentionBytes, -1),
    segmentBytes: integerIn('segmentBytes', merged.segmentBytes, 1024, 2 ** 31 - 1),
    maxMessageBytes: integerIn('maxMessageBytes', merged.maxMessageBytes, 64, 2 ** 30),
    fsync: merged.fsync,
    fsyncIntervalMs: integerIn('fsyncIntervalMs', merged.fsyncIntervalMs, 1),
  };
}

/** Validates a group name: non-empty, printable, at most 249 characters. */
export function validateGroupName(group: unknown): asserts group is string {
  if (
    typeof group !== 'string' ||
    group.length === 0 ||
    group.length > MAX_NAME_LENGTH ||
    [...group].some((c) => c < ' ')
  ) {
    throw new LogError(
      'INVALID_ARGUMENT',
      `Invalid consumer group name ${JSON.stringify(group)}: expected 1 to ${MAX_NAME_LENGTH} printable characters.`,
    );
  }
}
