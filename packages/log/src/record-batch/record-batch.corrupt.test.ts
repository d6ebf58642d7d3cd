import type { LogRecord } from '@tributary/core';
import { isTributaryError } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.js';
import { type BatchHeader, decodeBatchRecords, encodeBatch, readBatchHeader, verifyBatch } from './index.js';

const text = (s: string) => new TextEncoder().encode(s);

const sample = () =>
  encodeBatch(
    [
      { key: text('k0'), value: text('value 0'), headers: [{ key: 'ce_id', value: text('1') }] },
      { key: null, value: text('value 1'), timestamp: 7, headers: [{ key: 'h', value: null }] },
      { key: text('k2'), value: null },
    ],
    10n,
    1_000,
  );

function headerOf(buf: Uint8Array, pos = 0): BatchHeader {
  const h = readBatchHeader(buf, pos);
  if (h === null) throw new Error(`no batch header at ${pos}`);
  return h;
}

/** Recomputes the CRC so a test reaches the structural checks behind it. */
function fixCrc(batch: Buffer): Buffer {
  batch.writeUInt32BE(crc32c(batch, 21), 17);
  return batch;
}

function expectCorrupt(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(isTributaryError(err, 'CORRUPT_DATA')).toBe(true);
    expect(String(err)).toMatch(message);
    return;
  }
  throw new Error('expected CORRUPT_DATA, nothing was thrown');
}

describe('verifyBatch', () => {
  it('detects every single-byte flip inside the CRC-covered region (attributes to the end)', () => {
    const batch = sample();
    const header = headerOf(batch);
    for (let i = 21; i < batch.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const damaged = Buffer.from(batch);
        damaged[i]! ^= mask;
        // The header parse may already reject it; if not, the CRC must.
        let h: BatchHeader | null = header;
        try {
          h = readBatchHeader(damaged, 0);
        } catch (err) {
          expect(isTributaryError(err, 'CORRUPT_DATA')).toBe(true);
          continue;
        }
        expect(
          h === null ? false : verifyBatch(damaged, 0, h),
          `flip 0x${mask.toString(16)} at byte ${i}`,
        ).toBe(false);
      }
    }
  });

  it('detects a damaged stored CRC', () => {
    for (let i = 17; i < 21; i++) {
      const damaged = Buffer.from(sample());
      damaged[i]! ^= 0x10;
      expect(verifyBatch(damaged, 0, headerOf(damaged))).toBe(false);
    }
  });

  it('still accepts a batch whose baseOffset or leader epoch changed (outside the CRC, as in Kafka)', () => {
    const batch = sample();
    batch.writeInt32BE(7, 12);
    batch[7] = 99;
    expect(verifyBatch(batch, 0, headerOf(batch))).toBe(true);
  });

  it('is false for every truncation of the batch; the header reads as null below 61 bytes', () => {
    const batch = sample();
    for (let n = 0; n < batch.length; n++) {
      const cut = batch.subarray(0, n);
      const h = readBatchHeader(cut, 0);
      if (n < 61) expect(h).toBeNull();
      else expect(h !== null && verifyBatch(cut, 0, h)).toBe(false);
    }
    expect(readBatchHeader(batch, batch.length)).toBeNull();
    expect(readBatchHeader(batch, -1)).toBeNull();
  });
});

describe('readBatchHeader: structurally impossible headers are CORRUPT_DATA', () => {
  const damage = (edit: (b: Buffer) => void) => {
    const b = sample();
    edit(b);
    return () => readBatchHeader(b, 0);
  };

  it('rejects a magic other than 2 (older or unknown formats are never mis-decoded)', () => {
    expectCorrupt(
      damage((b) => b.writeInt8(1, 16)),
      /record batch at byte 0 has magic 1; only magic 2/,
    );
    expectCorrupt(
      damage((b) => b.writeInt8(0, 16)),
      /magic 0/,
    );
    expectCorrupt(
      damage((b) => b.writeInt8(-1, 16)),
      /magic -1/,
    );
  });

  it('rejects compressed batches (gzip, snappy, lz4, zstd) as unsupported', () => {
    for (const codec of [1, 2, 3, 4, 7]) {
      expectCorrupt(
        damage((b) => b.writeInt16BE(codec, 21)),
        new RegExp(`is compressed \\(codec ${codec}\\); compressed batches are not supported`),
      );
    }
  });

  it('rejects a batchLength below the 49-byte minimum', () => {
    for (const length of [48, 0, -1]) {
      expectCorrupt(
        damage((b) => b.writeInt32BE(length, 8)),
        new RegExp(`batchLength ${length}, below the minimum 49`),
      );
    }
  });

  it('rejects a negative record count, a lastOffsetDelta that disagrees, or more records than bytes', () => {
    expectCorrupt(
      damage((b) => {
        b.writeInt32BE(-1, 57);
        b.writeInt32BE(-2, 23);
      }),
      /negative record count -1/,
    );
    expectCorrupt(
      damage((b) => b.writeInt32BE(5, 23)),
      /lastOffsetDelta 5 but 3 records/,
    );
    expectCorrupt(
      damage((b) => {
        b.writeInt32BE(100_000, 57);
        b.writeInt32BE(99_999, 23);
      }),
      /claims 100000 records in \d+ bytes/,
    );
  });

  it('rejects a negative baseOffset', () => {
    expectCorrupt(
      damage((b) => b.writeBigInt64BE(-3n, 0)),
      /negative baseOffset -3/,
    );
  });

  it('reports where the bad batch starts', () => {
    const log = Buffer.concat([sample(), sample()]);
    log.writeInt8(5, log.length / 2 + 16);
    expectCorrupt(
      () => readBatchHeader(log, log.length / 2),
      new RegExp(`record batch at byte ${log.length / 2}`),
    );
  });
});

describe('decodeBatchRecords: structural damage behind a valid CRC is CORRUPT_DATA', () => {
  const decodeAll = (b: Buffer, out: LogRecord[] = []) => decodeBatchRecords(b, 0, headerOf(b), out, 0n, 100);

  it('rejects a record length that runs past the batch', () => {
    const b = sample();
    b[61] = 0x7e; // first record claims 63 bytes
    expectCorrupt(() => decodeAll(fixCrc(b)), /record 0 of the batch at byte 0 has an impossible length 63/);
  });

  it('rejects a key length past the end of its record', () => {
    const b = sample();
    b[65] = 0x40; // record 0 keyLength 32 (its record has 23 bytes)
    expectCorrupt(() => decodeAll(fixCrc(b)), /record 0 .* has a key length 32 past its end/);
  });

  it('rejects an offset delta out of sequence', () => {
    const b = sample();
    b[64] = 0x04; // record 0 offsetDelta 2
    expectCorrupt(() => decodeAll(fixCrc(b)), /record 0 .* has offset delta 2/);
  });

  it('rejects a header count the record cannot hold and a negative one', () => {
    const b = sample();
    const headerCountAt = 61 + 1 + 3 + 3 + 8; // length, attrs+deltas, key, value
    expect(b[headerCountAt]).toBe(0x02);
    b[headerCountAt] = 0x14; // 10 headers
    expectCorrupt(() => decodeAll(fixCrc(b)), /record 0 .* has an impossible header count 10/);
    b[headerCountAt] = 0x03; // -2
    expectCorrupt(() => decodeAll(fixCrc(b)), /impossible header count -2/);
  });

  it('rejects bytes after the last record and a record count larger than the records present', () => {
    const extra = Buffer.concat([sample(), Buffer.from([0])]);
    extra.writeInt32BE(extra.length - 12, 8);
    expectCorrupt(() => decodeAll(fixCrc(extra)), /does not end after its 3 records/);

    const b = sample();
    const cut = Buffer.from(b.subarray(0, b.length - 9)); // drop record 2 (9 bytes)
    cut.writeInt32BE(cut.length - 12, 8);
    expect(cut.readInt32BE(57)).toBe(3);
    expectCorrupt(() => decodeAll(fixCrc(cut)), /record 2 of the batch at byte 0 has no bytes left/);
  });

  it('rejects a record whose fields end before its declared length', () => {
    const b = Buffer.concat([sample(), Buffer.from([0])]);
    b.writeInt32BE(b.length - 12, 8);
    b[b.length - 10] = 0x12; // record 2 (9 bytes, now 10): length 8 -> 9
    expectCorrupt(() => decodeAll(fixCrc(b)), /record 2 .* has 1 bytes left over after its fields/);
  });

  it('rejects a batch that extends past the data it was given', () => {
    const b = sample();
    const header = headerOf(b);
    expectCorrupt(
      () => decodeBatchRecords(b.subarray(0, b.length - 1), 0, header, [], 0n, 10),
      /extends past the end of the data/,
    );
  });

  it('leaves `out` as it was when it throws part-way through a batch', () => {
    const b = sample();
    b[b.length - 1] = 0x02; // last record: 1 header, but no bytes for it
    const out: LogRecord[] = [{ offset: 0n, timestamp: 0, key: null, value: null, headers: [] }];
    expectCorrupt(() => decodeAll(fixCrc(b), out), /record 2/);
    expect(out).toHaveLength(1);
  });

  it('rejects a malformed varint inside a record', () => {
    const b = sample();
    b.fill(0xff, 62, 74); // record 0: attributes, then 11 continuation bytes where the varlong is
    expectCorrupt(() => decodeAll(fixCrc(b)), /malformed varlong \(more than 10 bytes\) at byte 63/);
  });

  it('uses maxTimestamp for every record of a LogAppendTime batch, as Kafka does', () => {
    const b = sample();
    b.writeInt16BE(0x08, 21);
    b.writeBigInt64BE(99_000n, 35);
    const out: LogRecord[] = [];
    decodeAll(fixCrc(b), out);
    expect(out.map((r) => r.timestamp)).toEqual([99_000, 99_000, 99_000]);
  });
});
