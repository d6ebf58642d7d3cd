import type { LogRecordInput, RecordHeader } from '@tributary/core';

/** The deterministic record `i` of append `seq` in crash run `run`: the test recomputes it to compare bytes. */
export function crashRecord(
  run: string,
  seq: number,
  i: number,
): LogRecordInput & { timestamp: number; headers: RecordHeader[] } {
  const tag = `${run}:${seq}:${i}`;
  return {
    key: Buffer.from(`key-${seq % 13}`),
    value: Buffer.from(`${tag}:${'v'.repeat((seq * 7 + i * 31) % 400)}`),
    headers: [
      { key: 'ce_id', value: Buffer.from(tag) },
      { key: 'empty', value: null },
    ],
    timestamp: 1_700_000_000_000 + seq,
  };
}
