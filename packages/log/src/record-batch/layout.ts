/**
 * Byte layout of a Kafka RecordBatch v2 (magic 2), as in Kafka's `DefaultRecordBatch`:
 *
 * ```
 *  0 baseOffset int64          27 baseTimestamp int64
 *  8 batchLength int32         35 maxTimestamp int64
 * 12 partitionLeaderEpoch i32  43 producerId int64
 * 16 magic int8 (= 2)          51 producerEpoch int16
 * 17 crc uint32                53 baseSequence int32
 * 21 attributes int16          57 recordCount int32
 * 23 lastOffsetDelta int32     61 records...
 * ```
 *
 * Fixed-width fields are big-endian. `batchLength` counts the bytes after itself; the CRC-32C
 * covers attributes to the end of the batch, so `baseOffset` and `partitionLeaderEpoch` can be
 * rewritten without recomputing it.
 */

/** Bytes before the first record (Kafka's `RECORD_BATCH_OVERHEAD`). */
export const BATCH_HEADER_BYTES = 61;
/** Bytes of baseOffset + batchLength, which `batchLength` does not count (Kafka's `LOG_OVERHEAD`). */
export const LOG_OVERHEAD = 12;
/** Smallest possible `batchLength`: a header with no records. */
export const MIN_BATCH_LENGTH = BATCH_HEADER_BYTES - LOG_OVERHEAD;

export const BASE_OFFSET_AT = 0;
export const BATCH_LENGTH_AT = 8;
export const LEADER_EPOCH_AT = 12;
export const MAGIC_AT = 16;
export const CRC_AT = 17;
export const ATTRIBUTES_AT = 21;
export const LAST_OFFSET_DELTA_AT = 23;
export const BASE_TIMESTAMP_AT = 27;
export const MAX_TIMESTAMP_AT = 35;
export const PRODUCER_ID_AT = 43;
export const PRODUCER_EPOCH_AT = 51;
export const BASE_SEQUENCE_AT = 53;
export const RECORD_COUNT_AT = 57;

/** The only record format this codec reads and writes. */
export const MAGIC_V2 = 2;
/** Attribute bits 0-2: compression codec (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
export const COMPRESSION_MASK = 0x07;
/** Attribute bit 3: timestamps are the broker's append time (then every record has maxTimestamp). */
export const LOG_APPEND_TIME_FLAG = 0x08;
/**
 * Written to `partitionLeaderEpoch`. A Kafka broker stamps its leader epoch on every batch it
 * appends; a freshly created topic's leader is at epoch 0, and an embedded log never changes leader.
 */
export const LEADER_EPOCH = 0;
/** Smallest record: seven one-byte fields (length, attributes, deltas, key/value lengths, headers). */
export const MIN_RECORD_BYTES = 7;
