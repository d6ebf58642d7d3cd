import { Buffer } from 'node:buffer';
import type { LogRecordInput, RecordHeader } from '../ports/log.js';

/**
 * Size estimates for records in Kafka RecordBatch v2 terms, so that the in-memory log enforces
 * `maxMessageBytes`, `segmentBytes` and `retentionBytes` the way the embedded file log does.
 *
 * The formula (shared with `@tributary/log`'s limits): a batch costs {@link BATCH_OVERHEAD_BYTES}
 * (the v2 batch header), each record {@link RECORD_OVERHEAD_BYTES} (length, attributes, timestamp
 * and offset deltas, key/value/header-count varints, rounded up) plus its key and value bytes plus,
 * for each header, its key's UTF-8 bytes and value bytes. It is an estimate: real varints are often
 * shorter, so the estimate errs on the large side.
 */
export const BATCH_OVERHEAD_BYTES = 61;

/** Per-record overhead of the estimate; see {@link BATCH_OVERHEAD_BYTES}. */
export const RECORD_OVERHEAD_BYTES = 21;

function headerBytes(headers: readonly RecordHeader[] | undefined): number {
  let total = 0;
  for (const header of headers ?? []) {
    // Buffer.byteLength counts UTF-8 bytes without encoding (TextEncoder allocated per header).
    total += Buffer.byteLength(header.key, 'utf8') + (header.value?.byteLength ?? 0);
  }
  return total;
}

/** Estimated encoded size of one record inside a batch (without the batch header). */
export function estimateRecordBytes(record: LogRecordInput): number {
  return (
    RECORD_OVERHEAD_BYTES +
    (record.key?.byteLength ?? 0) +
    (record.value?.byteLength ?? 0) +
    headerBytes(record.headers)
  );
}

/** Estimated encoded size of one append's batch: the size `maxMessageBytes` is checked against. */
export function estimateBatchBytes(records: readonly LogRecordInput[]): number {
  let total = BATCH_OVERHEAD_BYTES;
  for (const record of records) total += estimateRecordBytes(record);
  return total;
}
