import { isTributaryError, TributaryError } from '../errors/errors.js';
import { estimateBatchBytes, estimateRecordBytes } from '../memory/record-size.js';
import { partitionForKey } from '../partitioning/murmur2.js';
import type { Log, LogRecordInput } from '../ports/log.js';
import type { DeadLetter } from './types.js';

interface Target {
  readonly topic: string;
  readonly partition: number;
  readonly letters: DeadLetter[];
}

/**
 * Re-publishes dead letters to their original topics: the original key, value, headers (without
 * the DLQ headers, so `ce_id` is kept and deduping consumers skip what they already handled) and
 * timestamp. A letter goes to its original partition when the topic still has it, else to the
 * murmur2 partition of its key, else (keyless) to the original partition modulo the count.
 *
 * Letters bound for one partition are appended in their given order, in as few appends as fit the
 * topic's `maxMessageBytes`; `onAppended` runs after each append with the letters it carried, so a
 * failure part-way leaves the earlier ones re-published and reported.
 *
 * @throws TributaryError the log's error (same code) with a message naming the target and how many
 *   letters were re-published before it, e.g. `UNKNOWN_TOPIC` when the original topic is gone.
 */
export async function republish(
  log: Log,
  letters: readonly DeadLetter[],
  onAppended: (letters: readonly DeadLetter[]) => Promise<void>,
): Promise<void> {
  const configs = new Map<string, { partitions: number; maxMessageBytes: number }>();
  const targets = new Map<string, Target>();
  let done = 0;
  const context = (what: string, err: unknown): TributaryError => {
    const code = isTributaryError(err) ? err.code : 'STORAGE_FAILURE';
    const why = err instanceof Error ? err.message : String(err);
    return new TributaryError(
      code,
      `Cannot re-drive dead letters to ${what} (${done} re-driven before this): ${why}`,
      { cause: err },
    );
  };

  for (const letter of letters) {
    const { topic } = letter.failure;
    let config = configs.get(topic);
    if (config === undefined) {
      try {
        const description = await log.describeTopic(topic);
        config = {
          partitions: description.partitions.length,
          maxMessageBytes: description.config.maxMessageBytes,
        };
      } catch (err) {
        throw context(`topic "${topic}" (dead letter ${letter.dlqPartition}:${letter.dlqOffset})`, err);
      }
      configs.set(topic, config);
    }
    const partition = targetPartition(letter, config.partitions);
    const id = `${topic}\u0000${partition}`;
    let target = targets.get(id);
    if (target === undefined) {
      target = { topic, partition, letters: [] };
      targets.set(id, target);
    }
    target.letters.push(letter);
  }

  for (const { topic, partition, letters: bound } of targets.values()) {
    const maxBytes = configs.get(topic)?.maxMessageBytes ?? Number.POSITIVE_INFINITY;
    let chunk: DeadLetter[] = [];
    let records: LogRecordInput[] = [];
    let bytes = estimateBatchBytes([]);
    const flush = async () => {
      if (records.length === 0) return;
      try {
        await log.append(topic, partition, records);
      } catch (err) {
        throw context(`topic "${topic}" partition ${partition}`, err);
      }
      await onAppended(chunk);
      done += chunk.length;
      chunk = [];
      records = [];
      bytes = estimateBatchBytes([]);
    };
    for (const letter of bound) {
      const record = toRecord(letter);
      const size = estimateRecordBytes(record);
      if (records.length > 0 && bytes + size > maxBytes) await flush();
      chunk.push(letter);
      records.push(record);
      bytes += size;
    }
    await flush();
  }
}

function toRecord(letter: DeadLetter): LogRecordInput {
  return { key: letter.key, value: letter.value, headers: letter.headers, timestamp: letter.timestamp };
}

function targetPartition(letter: DeadLetter, partitions: number): number {
  const original = letter.failure.partition;
  if (original < partitions) return original;
  if (letter.key !== null) return partitionForKey(letter.key, partitions);
  return original % partitions;
}
