import { isTributaryError, LogError } from '../errors/errors.js';
import type { Log, TopicConfig } from '../ports/log.js';

/**
 * Partition counts per topic, cached (a topic's partition count does not change while it exists).
 * An unknown topic is created when auto-create is on, else rejected with `UNKNOWN_TOPIC` saying how
 * to create it.
 */
export class TopicMetadata {
  private readonly counts = new Map<string, Promise<number>>();

  constructor(
    private readonly log: Log,
    /** Config for auto-created topics, or undefined when auto-create is off. */
    private readonly autoCreate: Partial<TopicConfig> | undefined,
  ) {}

  partitionCount(topic: string): Promise<number> {
    let count = this.counts.get(topic);
    if (count === undefined) {
      count = this.load(topic);
      this.counts.set(topic, count);
      // A failed lookup is not cached: the next call asks the log again.
      count.catch(() => this.counts.delete(topic));
    }
    return count;
  }

  /** Caches a topic's count (after the bus created it). */
  remember(topic: string, partitions: number): void {
    this.counts.set(topic, Promise.resolve(partitions));
  }

  /** Forgets a topic (it was reported unknown: deleted, or recreated with another count). */
  invalidate(topic: string): void {
    this.counts.delete(topic);
  }

  private async load(topic: string): Promise<number> {
    try {
      return (await this.log.describeTopic(topic)).partitions.length;
    } catch (err) {
      if (!isTributaryError(err, 'UNKNOWN_TOPIC')) throw err;
      if (this.autoCreate === undefined) throw unknownTopic(topic, err);
    }
    try {
      return (await this.log.createTopic(topic, this.autoCreate)).partitions.length;
    } catch (err) {
      // Created concurrently by someone else: use theirs.
      if (isTributaryError(err, 'TOPIC_EXISTS'))
        return (await this.log.describeTopic(topic)).partitions.length;
      throw err;
    }
  }
}

/** `UNKNOWN_TOPIC`, saying how to create the topic. */
export function unknownTopic(topic: string, cause?: unknown): LogError {
  return new LogError(
    'UNKNOWN_TOPIC',
    `Topic ${JSON.stringify(topic)} does not exist: create it with bus.createTopic(${JSON.stringify(topic)}, { partitions }) or connect with { autoCreateTopics: true }.`,
    cause === undefined ? {} : { cause },
  );
}
