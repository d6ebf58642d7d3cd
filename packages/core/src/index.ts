// Public API of @tributary/core. Curated: add named exports only.
export {
  ErrorCodes,
  GroupError,
  LogError,
  StorageError,
  TributaryError,
  ValidationError,
  isTributaryError,
} from './errors/errors.js';
export type { ErrorCode, FieldIssue, TributaryErrorOptions } from './errors/errors.js';
export { DEFAULT_TOPIC_CONFIG } from './ports/log.js';
export type {
  AppendResult,
  CommittedOffset,
  FetchOptions,
  FetchResult,
  FsyncPolicy,
  Log,
  LogFactory,
  LogRecord,
  LogRecordInput,
  PartitionInfo,
  RecordHeader,
  TopicConfig,
  TopicDescription,
} from './ports/log.js';
export { createMemoryLog } from './memory/memory-log.js';
export type { MemoryLog, MemoryLogOptions } from './memory/memory-log.js';
