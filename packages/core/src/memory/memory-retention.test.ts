import { describe, expect, it } from 'vitest';
import { createMemoryLog } from './memory-log.js';
import { BATCH_OVERHEAD_BYTES, estimateBatchBytes, RECORD_OVERHEAD_BYTES } from './record-size.js';

const value = (size: number) => ({ key: null, value: new Uint8Array(size) });

describe('memory log retention triggers', () => {
  it('applies retention after each append when enforceRetentionOnAppend is set', async () => {
    const log = createMemoryLog({ enforceRetentionOnAppend: true });
    await log.createTopic('t', { segmentBytes: 1024, retentionBytes: 2048, retentionMs: -1 });
    for (let i = 0; i < 20; i++) await log.append('t', 0, [value(400)]);
    expect(await log.earliestOffset('t', 0)).toBeGreaterThan(10n);
  });

  it('applies retention only when asked by default', async () => {
    const log = createMemoryLog();
    await log.createTopic('t', { segmentBytes: 1024, retentionBytes: 2048, retentionMs: -1 });
    for (let i = 0; i < 20; i++) await log.append('t', 0, [value(400)]);
    expect(await log.earliestOffset('t', 0)).toBe(0n);
    log.enforceRetention();
    expect(await log.earliestOffset('t', 0)).toBeGreaterThan(10n);
  });

  it('measures time retention against the given clock', async () => {
    const log = createMemoryLog();
    await log.createTopic('t', { retentionMs: 1000 });
    await log.append('t', 0, [{ ...value(1), timestamp: 5000 }]);
    log.enforceRetention(6000);
    expect(await log.earliestOffset('t', 0)).toBe(0n);
    log.enforceRetention(6001);
    expect(await log.earliestOffset('t', 0)).toBe(1n);
    expect(await log.latestOffset('t', 0)).toBe(1n);
  });

  it('sizes a batch as 61 bytes plus 21 per record plus key, value and header bytes', () => {
    const header = { key: 'ké', value: new Uint8Array(5) };
    const bytes = estimateBatchBytes([
      { key: new Uint8Array(3), value: new Uint8Array(10), headers: [header] },
      value(0),
    ]);
    expect(bytes).toBe(BATCH_OVERHEAD_BYTES + 2 * RECORD_OVERHEAD_BYTES + 3 + 10 + 3 + 5);
    expect(BATCH_OVERHEAD_BYTES).toBe(61);
  });
});
