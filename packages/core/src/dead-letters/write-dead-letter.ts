import { isTributaryError } from '../errors/errors.js';
import { partitionForKey } from '../partitioning/murmur2.js';
import { DEFAULT_TOPIC_CONFIG, type Log, type LogRecord } from '../ports/log.js';
import { type FailureInfo, toDeadLetterRecord } from './dead-letter-record.js';
import { deadLetterTopic } from './topic-names.js';

/** Room for the DLQ headers on top of a record the original topic accepted. */
const HEADER_ROOM_BYTES = 64 * 1024;
const MAX_MESSAGE_BYTES = 2 ** 30;

/**
 * Writes a record that exhausted its attempts to its group's dead-letter topic
 * ({@link deadLetterTopic}), with the failure in the DLQ headers (see {@link toDeadLetterRecord}).
 *
 * When the topic does not exist it is created with 1 partition, kept forever (`retentionMs: -1`:
 * a dead letter leaves by re-drive or discard, not by age) and a `maxMessageBytes` at least the
 * original topic's plus 64 KiB, so a record the original topic accepted also fits here. A
 * pre-created topic with more partitions is used as is: keyed records go by key, keyless ones to
 * the original partition modulo the partition count.
 *
 * @returns Where the dead letter was written.
 * @throws ValidationError `INVALID_ARGUMENT` for a bad `failure`; log errors (e.g.
 *   `RECORD_TOO_LARGE`, `CLOSED`) as the log raises them — nothing is written then.
 */
export async function writeDeadLetter(
  log: Log,
  record: LogRecord,
  failure: FailureInfo,
): Promise<{ topic: string; partition: number; offset: bigint }> {
  const input = toDeadLetterRecord(record, failure);
  const topic = deadLetterTopic(failure.group);
  const partitions = await ensureDeadLetterTopic(log, topic, failure.topic);
  const partition =
    partitions === 1
      ? 0
      : input.key !== null
        ? partitionForKey(input.key, partitions)
        : failure.partition % partitions;
  const result = await log.append(topic, partition, [input]);
  return { topic, partition, offset: result.baseOffset };
}

/** Creates the dead-letter topic unless it exists; returns its partition count. */
async function ensureDeadLetterTopic(log: Log, topic: string, originalTopic: string): Promise<number> {
  try {
    return (await log.describeTopic(topic)).partitions.length;
  } catch (err) {
    if (!isTributaryError(err, 'UNKNOWN_TOPIC')) throw err;
  }
  let maxMessageBytes = DEFAULT_TOPIC_CONFIG.maxMessageBytes;
  try {
    const original = (await log.describeTopic(originalTopic)).config.maxMessageBytes;
    maxMessageBytes = Math.min(MAX_MESSAGE_BYTES, Math.max(maxMessageBytes, original + HEADER_ROOM_BYTES));
  } catch (err) {
    if (!isTributaryError(err, 'UNKNOWN_TOPIC')) throw err; // deleted meanwhile: defaults will do
  }
  try {
    return (await log.createTopic(topic, { partitions: 1, retentionMs: -1, maxMessageBytes })).partitions
      .length;
  } catch (err) {
    if (!isTributaryError(err, 'TOPIC_EXISTS')) throw err; // another writer created it first
    return (await log.describeTopic(topic)).partitions.length;
  }
}
