// Internals shared with sibling packages (@tributary/log, adapters, conformance). Not a public API.

export type { LogPackageLoader } from './connect/load-log-package.js';
export { importLogPackage } from './connect/load-log-package.js';
export type { ParsedConnection } from './connect/schemes.js';
export { DEFAULT_CONNECTION, openLog, parseConnectionString } from './connect/schemes.js';
export { invalidArgument } from './errors/errors.js';
export {
  checkAppendRecords,
  checkCommittedOffset,
  checkFetchOptions,
  checkOffset,
  checkPartition,
} from './memory/log-checks.js';
export {
  BATCH_OVERHEAD_BYTES,
  estimateBatchBytes,
  estimateRecordBytes,
  RECORD_OVERHEAD_BYTES,
} from './memory/record-size.js';
export type { WaitForOptions } from './testing/wait-for.js';
export { waitFor } from './testing/wait-for.js';
export { describeTopic } from './topics/describe-topic.js';
export { resolveTopicConfig, validateGroupName, validateTopicName } from './topics/topic-config.js';
