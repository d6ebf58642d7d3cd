import type { TopicConfig } from '@tributary/core';

/** Options of {@link openFileLog}. */
export interface FileLogOptions {
  /** Bytes of log data between sparse index entries (Kafka's `index.interval.bytes`). Default 4096. */
  indexIntervalBytes?: number;
  /** CRC-check every batch a fetch returns, so damaged data is never served. Default true. */
  verifyOnRead?: boolean;
  /** How often retention runs in the background; 0 disables it (call `enforceRetention`). Default 60 s. */
  retentionCheckIntervalMs?: number;
  /** Create unknown topics on first append, with this config (`true` = defaults). Default false. */
  autoCreateTopics?: boolean | Partial<TopicConfig>;
  /** Where recovery reports go (one line per truncated segment). Default `console.warn`. */
  logger?: { warn(message: string): void };
  /**
   * Called after each group-commit fsync (`fsync: 'always'` topics) with how long it took, in
   * seconds: the server feeds its `tributary_log_fsync_seconds` histogram from it.
   */
  onFsync?: (seconds: number, topic: string) => void;
}

export const DEFAULT_FILE_LOG_OPTIONS = {
  indexIntervalBytes: 4096,
  verifyOnRead: true,
  retentionCheckIntervalMs: 60_000,
  autoCreateTopics: false,
} as const;

/** What opening a data directory found and repaired. */
export interface RecoveryReport {
  /** True when the previous owner closed the log cleanly (no tail check was needed). */
  cleanShutdown: boolean;
  /** Damaged or torn tails that were cut off, per partition. */
  truncations: {
    topic: string;
    partition: number;
    file: string;
    position: number;
    droppedBytes: number;
    reason: string;
  }[];
  /** Topics whose creation a crash interrupted; their leftovers were removed. */
  incompleteTopics: string[];
}
