import type { TopicConfig, TopicDescription } from '../ports/log.js';

/** The offsets and size of one partition, as adapters track them. */
export interface PartitionState {
  readonly earliestOffset: bigint;
  readonly latestOffset: bigint;
  readonly sizeBytes: number;
}

/** Builds a topic description from an adapter's partitions (shared so every adapter reports alike). */
export function describeTopic(
  name: string,
  config: TopicConfig,
  partitions: readonly PartitionState[],
): TopicDescription {
  return {
    name,
    config,
    partitions: partitions.map((p, partition) => ({
      partition,
      earliestOffset: p.earliestOffset,
      latestOffset: p.latestOffset,
      sizeBytes: p.sizeBytes,
    })),
  };
}
