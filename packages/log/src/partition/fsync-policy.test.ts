import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileLog } from '../file-log.js';
import { tempDir } from '../test-support/harness.js';
import { Segment } from './segment.js';

const record = (i: number) => ({ key: null, value: Buffer.from(`v${i}`) });

describe('group commit and fsync policies', () => {
  let cleanup = () => {};
  afterEach(() => {
    vi.restoreAllMocks();
    cleanup();
  });

  async function open(
    fsync: 'always' | 'interval' | 'never',
    fsyncIntervalMs = 1000,
    onFsync?: (seconds: number, topic: string) => void,
  ) {
    const t = tempDir();
    const log = FileLog.open(t.dir, { retentionCheckIntervalMs: 0, ...(onFsync ? { onFsync } : {}) });
    cleanup = () => {
      void log.close().finally(t.cleanup);
    };
    await log.createTopic('t', { fsync, fsyncIntervalMs });
    return log;
  }

  it('gives appends issued in the same tick one write and one fsync, with consecutive offsets', async () => {
    const log = await open('always');
    const writes = vi.spyOn(Segment.prototype, 'write');
    const syncs = vi.spyOn(Segment.prototype, 'sync');
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append('t', 0, [record(i)])));
    expect(writes).toHaveBeenCalledTimes(1);
    expect(syncs).toHaveBeenCalledTimes(1);
    expect(results.map((r) => r.baseOffset)).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i)));
  });

  it('groups appends queued while a write is in flight into the next single write', async () => {
    const log = await open('always');
    const writes = vi.spyOn(Segment.prototype, 'write');
    const syncs = vi.spyOn(Segment.prototype, 'sync');
    const first = log.append('t', 0, [record(0)]);
    await vi.waitFor(() => expect(writes).toHaveBeenCalledTimes(1)); // the first group is written
    const rest = Array.from({ length: 20 }, (_, i) => log.append('t', 0, [record(i + 1)]));
    await Promise.all([first, ...rest]);
    expect(writes).toHaveBeenCalledTimes(2);
    expect(syncs).toHaveBeenCalledTimes(2);
    expect(await log.latestOffset('t', 0)).toBe(21n);
  });

  it('reports each group-commit fsync, with its topic and duration, to onFsync', async () => {
    const reports: { seconds: number; topic: string }[] = [];
    const log = await open('always', 1000, (seconds, topic) => reports.push({ seconds, topic }));
    await Promise.all(Array.from({ length: 10 }, (_, i) => log.append('t', 0, [record(i)])));
    await log.append('t', 0, [record(10)]);
    expect(reports.map((r) => r.topic)).toEqual(['t', 't']);
    expect(reports.every((r) => r.seconds >= 0 && r.seconds < 60)).toBe(true);
  });

  it('does not fsync appends with fsync "never" (only when sealing or closing)', async () => {
    const log = await open('never');
    const syncs = vi.spyOn(Segment.prototype, 'sync');
    for (let i = 0; i < 5; i++) await log.append('t', 0, [record(i)]);
    expect(syncs).not.toHaveBeenCalled();
    expect((await log.fetch('t', 0, 0n)).records).toHaveLength(5); // visible once written
  });

  it('fsyncs on a timer with fsync "interval", and only when something was written', async () => {
    const log = await open('interval', 20);
    const syncs = vi.spyOn(Segment.prototype, 'sync');
    await log.append('t', 0, [record(0)]);
    expect(syncs).not.toHaveBeenCalled(); // acknowledged before the fsync
    await vi.waitFor(() => expect(syncs).toHaveBeenCalledTimes(1), { timeout: 2000 });
    const calls = syncs.mock.calls.length;
    await new Promise((r) => setTimeout(r, 100)); // several intervals with nothing new written
    expect(syncs.mock.calls.length).toBe(calls);
  });
});
