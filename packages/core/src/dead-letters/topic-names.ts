import { createHash } from 'node:crypto';
import { invalidArgument } from '../errors/errors.js';

const ILLEGAL = /[^a-zA-Z0-9._-]/g;
const DLQ_SUFFIX = '.dlq';
const STATUS_SUFFIX = '.status';
/** Kafka's limit, less room for the status topic's suffix so `<dlq>.status` is legal too. */
const MAX_DLQ_TOPIC = 249 - STATUS_SUFFIX.length;
const HASH_CHARS = 12;
/** What a hashed name ends with before `.dlq`; groups that already end like this are hashed too. */
const LOOKS_HASHED = new RegExp(`-[0-9a-f]{${HASH_CHARS}}$`);

/**
 * The dead-letter topic of a consumer group: `<group>.dlq`.
 *
 * Topic names allow only `[a-zA-Z0-9._-]` and at most 249 characters, groups allow any printable
 * text. When the group has other characters they become `_`, and when the name would be longer than
 * 242 characters (249 less `.status`, see {@link deadLetterStatusTopic}) it is cut; in both cases a
 * `-` and 12 hex characters of the group's SHA-256 are added before `.dlq`, so groups that sanitize
 * alike still get distinct topics. A group that itself ends in `-` + 12 hex characters is hashed too,
 * so a plain name can never equal a hashed one. Deterministic: every process agrees on the name.
 *
 * Any length is accepted (a Kafka group name has no length limit; the name is cut and hashed).
 *
 * @throws ValidationError `INVALID_ARGUMENT` when `group` is not a non-empty string of printable
 *   characters.
 */
export function deadLetterTopic(group: string): string {
  checkGroup(group, 'deadLetterTopic');
  const sanitized = group.replace(ILLEGAL, '_');
  const plain = sanitized + DLQ_SUFFIX;
  if (sanitized === group && plain.length <= MAX_DLQ_TOPIC && !LOOKS_HASHED.test(group)) return plain;
  const hash = createHash('sha256').update(group, 'utf8').digest('hex').slice(0, HASH_CHARS);
  const room = MAX_DLQ_TOPIC - DLQ_SUFFIX.length - 1 - HASH_CHARS;
  return `${sanitized.slice(0, room)}-${hash}${DLQ_SUFFIX}`;
}

/**
 * The topic recording re-drive/discard decisions about a dead-letter topic's records:
 * `<dlq topic>.status` (see {@link DeadLetters}).
 */
export function deadLetterStatusTopic(dlqTopic: string): string {
  return dlqTopic + STATUS_SUFFIX;
}

/**
 * Checks a consumer group name as dead-letter naming needs it: a non-empty string without control
 * characters. `where` prefixes the message.
 */
export function checkGroup(group: unknown, where: string): asserts group is string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject
  if (typeof group !== 'string' || group.length === 0 || /[\u0000-\u001f\u007f]/.test(group)) {
    const shown = typeof group === 'string' ? JSON.stringify(group) : typeof group;
    throw invalidArgument(
      `${where}: invalid consumer group name ${shown}: expected a non-empty string of printable characters.`,
    );
  }
}
