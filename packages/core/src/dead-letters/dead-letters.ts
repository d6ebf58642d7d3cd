import { SerialQueue } from '../bus/serial-queue.js';
import { invalidArgument } from '../errors/errors.js';
import type { Log } from '../ports/log.js';
import { type CheckedFilter, checkFilter, matchesFilter } from './dead-letter-filter.js';
import { DeadLetterStatus } from './dead-letter-status.js';
import { recordAt, scanTopic, toDeadLetter } from './read-dead-letters.js';
import { republish } from './republish.js';
import { checkGroup, deadLetterStatusTopic, deadLetterTopic } from './topic-names.js';
import type { DeadLetter, DeadLetterFilter } from './types.js';

export type { FailureInfo } from './dead-letter-record.js';
export type { DeadLetter, DeadLetterFilter } from './types.js';
export { writeDeadLetter } from './write-dead-letter.js';

// Re-drives and discards of one dead-letter topic run one at a time per log, even across
// DeadLetters instances (a server may make one per request), so a letter is never re-driven twice
// by two concurrent calls in this process. Keyed weakly: a closed, dropped log frees its entries.
const exclusive = new WeakMap<Log, Map<string, SerialQueue>>();

function queueFor(log: Log, topic: string): SerialQueue {
  let byTopic = exclusive.get(log);
  if (byTopic === undefined) {
    byTopic = new Map();
    exclusive.set(log, byTopic);
  }
  let queue = byTopic.get(topic);
  if (queue === undefined) {
    queue = new SerialQueue();
    byTopic.set(topic, queue);
  }
  return queue;
}

/**
 * The dead letters of one consumer group: list, inspect, re-drive to the original topic, discard.
 * Works over the {@link Log} port only, so it behaves the same on every adapter.
 *
 * **Where things live.** Dead letters are the records of the group's dead-letter topic
 * (`deadLetterTopic(group)`, `<group>.dlq`), written by `subscribe` through {@link writeDeadLetter}.
 * A log is append-only, so a letter cannot be marked in place: each decision (re-driven or
 * discarded) is a record in the status topic `<dlq topic>.status` (1 partition, kept forever) with
 * key `<dlq partition>:<dlq offset>`, value `redriven` or `discarded` and the decision time as its
 * timestamp. A letter with no decision is *pending*. Both topics are durable, so the state survives
 * restarts and is shared by every process on the same log. Records of the dead-letter topic that
 * lack the DLQ headers (not written by `writeDeadLetter`) are not dead letters and are skipped.
 *
 * **Order.** Letters are returned and re-driven in dead-letter-topic order (partition, then offset);
 * the topic has one partition unless pre-created otherwise, so that is the order they failed in.
 *
 * **Re-drive guarantees.** A letter is re-published, then its decision is written, before
 * `redrive` returns; a second `redrive` skips it. Calls on one log in one process are serialized.
 * A crash between the re-publish and the decision (or a concurrent re-drive from another process)
 * can re-publish a letter again — at least once, never lost. The re-published record keeps the
 * event's `ce_id`, so a subscription with dedupe skips an event it already handled.
 */
export class DeadLetters {
  private readonly log: Log;
  private readonly dlqTopic: string;
  private readonly status: DeadLetterStatus;

  /** @throws `INVALID_ARGUMENT` when `log` is not a Log or `group` is not a valid group name. */
  constructor(log: Log, group: string) {
    if (log === null || typeof log !== 'object' || typeof log.fetch !== 'function') {
      throw invalidArgument(
        'new DeadLetters(log, group): log must be a Log (from connect() or a Log adapter).',
      );
    }
    checkGroup(group, 'new DeadLetters(log, group)');
    this.log = log;
    this.dlqTopic = deadLetterTopic(group);
    this.status = new DeadLetterStatus(log, deadLetterStatusTopic(this.dlqTopic));
  }

  /** The group's dead-letter topic. */
  get topic(): string {
    return this.dlqTopic;
  }

  /**
   * Pending dead letters (not yet re-driven or discarded) matching `filter`, oldest first, at most
   * `filter.limit`. `[]` when the dead-letter topic does not exist.
   * @throws ValidationError `INVALID_ARGUMENT` naming a bad filter field.
   */
  async list(filter?: DeadLetterFilter): Promise<DeadLetter[]> {
    return this.pending(checkFilter(filter, 'list'));
  }

  /**
   * The pending dead letter at a position of the dead-letter topic.
   * @throws ValidationError `INVALID_ARGUMENT` for a bad position, or naming the position when no
   *   pending dead letter is there (none written, already re-driven or discarded, not a dead letter).
   */
  async get(dlqPartition: number, dlqOffset: bigint): Promise<DeadLetter> {
    if (!Number.isInteger(dlqPartition) || dlqPartition < 0) {
      throw invalidArgument(
        `DeadLetters.get: dlqPartition must be an integer >= 0, received ${String(dlqPartition)}.`,
      );
    }
    if (typeof dlqOffset !== 'bigint' || dlqOffset < 0n) {
      throw invalidArgument(
        `DeadLetters.get: dlqOffset must be a bigint >= 0n (e.g. 5n), received ${typeof dlqOffset === 'bigint' ? `${dlqOffset}n` : String(dlqOffset)}.`,
      );
    }
    const where = `topic "${this.dlqTopic}" partition ${dlqPartition} offset ${dlqOffset}`;
    const record = await recordAt(this.log, this.dlqTopic, dlqPartition, dlqOffset);
    if (record === undefined) throw invalidArgument(`No dead letter at ${where}.`);
    const read = toDeadLetter(record, dlqPartition);
    if (!read.ok) throw invalidArgument(`The record at ${where} is not a dead letter: ${read.problem}.`);
    await this.status.refresh();
    const decision = this.status.decisionOf(dlqPartition, dlqOffset);
    if (decision !== undefined) {
      throw invalidArgument(`The dead letter at ${where} is no longer pending: it was ${decision}.`);
    }
    return read.letter;
  }

  /**
   * Re-publishes the matching pending dead letters to their original topic (same key, value,
   * headers without the DLQ headers, and timestamp; the original partition when it still exists,
   * else by key) and marks them re-driven. Letters already re-driven or discarded are skipped.
   * @throws ValidationError `INVALID_ARGUMENT` for a bad filter (`limit` is rejected here);
   *   the log's error, naming the target, when a re-publish fails (letters before it stay re-driven).
   */
  async redrive(filter?: DeadLetterFilter): Promise<{ redriven: number }> {
    const checked = checkFilter(filter, 'redrive');
    return queueFor(this.log, this.dlqTopic).run(async () => {
      const letters = await this.pending(checked);
      let redriven = 0;
      await republish(this.log, letters, async (done) => {
        await this.status.record(position(done), 'redriven');
        redriven += done.length;
      });
      return { redriven };
    });
  }

  /**
   * Marks the matching pending dead letters discarded: they stay in the topic (until deleted with
   * it) but are no longer listed or re-driven.
   * @throws ValidationError `INVALID_ARGUMENT` for a bad filter (`limit` is rejected here).
   */
  async discard(filter?: DeadLetterFilter): Promise<{ discarded: number }> {
    const checked = checkFilter(filter, 'discard');
    return queueFor(this.log, this.dlqTopic).run(async () => {
      const letters = await this.pending(checked);
      await this.status.record(position(letters), 'discarded');
      return { discarded: letters.length };
    });
  }

  private async pending(filter: CheckedFilter): Promise<DeadLetter[]> {
    await this.status.refresh();
    const letters: DeadLetter[] = [];
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    await scanTopic(this.log, this.dlqTopic, (record, partition) => {
      if (this.status.decisionOf(partition, record.offset) !== undefined) return true;
      const read = toDeadLetter(record, partition);
      if (read.ok && matchesFilter(read.letter, filter)) letters.push(read.letter);
      return letters.length < limit;
    });
    return letters;
  }
}

function position(letters: readonly DeadLetter[]): { partition: number; offset: bigint }[] {
  return letters.map((letter) => ({ partition: letter.dlqPartition, offset: letter.dlqOffset }));
}
