// Internals shared with sibling packages (@tributary/log, adapters, conformance). Not a public API.

export type { LogPackageLoader } from './connect/load-log-package.js';
export { importLogPackage } from './connect/load-log-package.js';
export type { ParsedConnection } from './connect/schemes.js';
export { DEFAULT_CONNECTION, openLog, parseConnectionString } from './connect/schemes.js';
export type { ParsedFailure } from './dead-letters/dead-letter-record.js';
export { parseFailure, toDeadLetterRecord } from './dead-letters/dead-letter-record.js';
export { writeDeadLetter } from './dead-letters/write-dead-letter.js';
export { invalidArgument } from './errors/errors.js';
export type {
  CheckedAppend,
  ResolvedEventStoreOptions,
  ResolvedReadAll,
  ResolvedReadStream,
} from './event-store/checks.js';
export {
  checkAppend,
  checkAppends,
  checkCheckpointName,
  checkSnapshot,
  checkStreamMetadata,
  DEFAULT_READ_ALL_COUNT,
  resolveEventStoreOptions,
  resolveReadAll,
  resolveReadStream,
} from './event-store/checks.js';
export type { StreamState } from './event-store/expected-version.js';
export {
  assertExpectedVersion,
  checkExpectedVersion,
  streamDeleted,
} from './event-store/expected-version.js';
export type { StoredEvent } from './event-store/stored-event.js';
export { fromStoredEvent, toStoredEvent } from './event-store/stored-event.js';
export { checkStreamName, tenantOf } from './event-store/stream-names.js';
export { NO_UPCASTING } from './event-store/upcasters.js';
export {
  BATCH_OVERHEAD_BYTES,
  estimateBatchBytes,
  estimateRecordBytes,
  RECORD_OVERHEAD_BYTES,
} from './memory/record-size.js';
export type { ConsumerMetrics } from './metrics/consumer-metrics.js';
export { consumerMetrics, PROCESSING_BUCKETS } from './metrics/consumer-metrics.js';
export type { InstrumentDefinition, InstrumentKind } from './metrics/definitions.js';
export {
  checkSameDefinition,
  checkValue,
  DEFAULT_BUCKETS,
  defineInstrument,
  labelValues,
} from './metrics/definitions.js';
export { checkDedupeKey, checkNow, resolveDedupeOptions } from './ports/dedupe-checks.js';
export {
  checkAppendRecords,
  checkCommittedOffset,
  checkFetchOptions,
  checkOffset,
  checkPartition,
} from './ports/log-checks.js';
export { sleep } from './reliability/sleep.js';
export type { WaitForOptions } from './testing/wait-for.js';
export { waitFor } from './testing/wait-for.js';
export { describeTopic } from './topics/describe-topic.js';
export { resolveTopicConfig, validateGroupName, validateTopicName } from './topics/topic-config.js';
