// The Kafka RecordBatch v2 codec of the embedded log (see record-batch.ts).
export { crc32c } from './crc32c.js';
export type { BatchHeader } from './record-batch.js';
export {
  BATCH_HEADER_BYTES,
  decodeBatchRecords,
  encodeBatch,
  LOG_OVERHEAD,
  readBatchHeader,
  setBaseOffset,
  verifyBatch,
} from './record-batch.js';
export { sizeOfVarint, sizeOfVarlong, VarintReader, writeVarint, writeVarlong } from './varint.js';
