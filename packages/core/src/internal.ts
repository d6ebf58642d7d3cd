// Internals shared with sibling packages (@tributary/log, adapters, conformance). Not a public API.
export { invalidArgument } from './errors/errors.js';
export { resolveTopicConfig, validateGroupName, validateTopicName } from './topics/topic-config.js';
export {
  checkAppendRecords,
  checkCommittedOffset,
  checkFetchOptions,
  checkOffset,
  checkPartition,
} from './memory/log-checks.js';
export {
  BATCH_OVERHEAD_BYTES,
  RECORD_OVERHEAD_BYTES,
  estimateBatchBytes,
  estimateRecordBytes,
} from './memory/record-size.js';
