import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileLog } from './file-log.js';
import { segmentFileName } from './partition/segment.js';
import { tempDir } from './test-support/harness.js';

const quiet = { warn: () => {} };
const value = (i: number) => Buffer.from(`record-${i}-${'x'.repeat(100)}`);

/** Writes `batches` appends of 10 records to t/0 and kills the log without a clean close. */
async function writeAndAbandon(dir: string, batches: number): Promise<void> {
  const log = FileLog.open(dir, { logger: quiet, retentionCheckIntervalMs: 0 });
  await log.createTopic('t');
  for (let b = 0; b < batches; b++) {
    await log.append(
      't',
      0,
      Array.from({ length: 10 }, (_, i) => ({ key: null, value: value(b * 10 + i) })),
    );
  }
  // Simulate a crash: close the log (to release files) and then remove the clean-shutdown marker.
  await log.close();
  fs.rmSync(path.join(dir, '.clean-shutdown'));
}

const segmentPath = (dir: string) => path.join(dir, 'topics', 't', '0', segmentFileName(0n, 'log'));

async function readAll(log: FileLog): Promise<string[]> {
  const out: string[] = [];
  let offset = 0n;
  const end = await log.latestOffset('t', 0);
  while (offset < end) {
    const r = await log.fetch('t', 0, offset);
    for (const rec of r.records) out.push(Buffer.from(rec.value!).toString());
    offset = r.nextOffset;
  }
  return out;
}

describe('recovery of the embedded log', () => {
  let cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups) c();
    cleanups = [];
  });
  const dir = () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    return t.dir;
  };

  it('opens a cleanly closed log without checking or dropping anything', async () => {
    const d = dir();
    const log = FileLog.open(d, { logger: quiet });
    await log.createTopic('t');
    await log.append('t', 0, [{ key: null, value: value(0) }]);
    await log.close();
    const again = FileLog.open(d, { logger: quiet });
    expect(again.recovery).toEqual({ cleanShutdown: true, truncations: [], incompleteTopics: [] });
    expect(await readAll(again)).toEqual([value(0).toString()]);
    await again.close();
  });

  it('truncates a torn trailing batch, keeps every batch before it and reports the drop', async () => {
    const d = dir();
    await writeAndAbandon(d, 5);
    const file = segmentPath(d);
    const size = fs.statSync(file).size;
    fs.truncateSync(file, size - 7); // the last batch loses its last 7 bytes
    const warnings: string[] = [];
    const log = FileLog.open(d, { logger: { warn: (m) => warnings.push(m) } });
    expect(log.recovery.cleanShutdown).toBe(false);
    expect(log.recovery.truncations).toHaveLength(1);
    const t = log.recovery.truncations[0]!;
    expect(t).toMatchObject({ topic: 't', partition: 0, file });
    expect(t.droppedBytes).toBe(size - 7 - t.position);
    expect(t.reason).toMatch(/torn batch/);
    expect(warnings.join('\n')).toMatch(/dropped \d+ bytes/);
    expect(await readAll(log)).toEqual(Array.from({ length: 40 }, (_, i) => value(i).toString()));
    expect(fs.statSync(file).size).toBe(t.position);
    // New appends continue right after the last valid record.
    const r = await log.append('t', 0, [{ key: null, value: value(40) }]);
    expect(r.baseOffset).toBe(40n);
    await log.close();
  });

  it('drops a trailing batch whose bytes were flipped (CRC mismatch) and keeps the rest', async () => {
    const d = dir();
    await writeAndAbandon(d, 5);
    const file = segmentPath(d);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 20]! ^= 0xff; // inside the last batch's records
    fs.writeFileSync(file, bytes);
    const log = FileLog.open(d, { logger: quiet });
    expect(log.recovery.truncations[0]?.reason).toMatch(/CRC mismatch/);
    expect(await readAll(log)).toEqual(Array.from({ length: 40 }, (_, i) => value(i).toString()));
    await log.close();
  });

  it('drops garbage appended after the last batch', async () => {
    const d = dir();
    await writeAndAbandon(d, 3);
    const file = segmentPath(d);
    const before = fs.statSync(file).size;
    fs.appendFileSync(file, Buffer.alloc(100, 0xab));
    const log = FileLog.open(d, { logger: quiet });
    expect(log.recovery.truncations[0]).toMatchObject({ position: before, droppedBytes: 100 });
    expect(await readAll(log)).toHaveLength(30);
    await log.close();
  });

  it('recovers after every possible truncation point of the last batch', async () => {
    const d = dir();
    await writeAndAbandon(d, 2);
    const file = segmentPath(d);
    const full = fs.readFileSync(file);
    const firstBatchEnd = full.readInt32BE(8) + 12;
    for (let cut = firstBatchEnd + 1; cut < full.length; cut += 17) {
      fs.writeFileSync(file, full.subarray(0, cut));
      fs.rmSync(path.join(d, '.clean-shutdown'), { force: true });
      const log = FileLog.open(d, { logger: quiet });
      expect(await readAll(log)).toHaveLength(10);
      await log.close();
    }
  });

  it('never serves a batch damaged after it was written (CRC checked on read)', async () => {
    const d = dir();
    const log = FileLog.open(d, { logger: quiet });
    await log.createTopic('t');
    await log.append('t', 0, [{ key: null, value: value(0) }]);
    await log.append('t', 0, [{ key: null, value: value(1) }]);
    const file = segmentPath(d);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from([0x00]), 0, 1, 70); // inside the first batch's records
    fs.closeSync(fd);
    await expect(log.fetch('t', 0, 0n)).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
    await log.close();
  });

  it('removes a topic whose creation was interrupted before its config was written', async () => {
    const d = dir();
    const log = FileLog.open(d, { logger: quiet });
    await log.createTopic('kept');
    await log.close();
    fs.mkdirSync(path.join(d, 'topics', 'half', '0'), { recursive: true });
    const again = FileLog.open(d, { logger: quiet });
    expect(again.recovery.incompleteTopics).toEqual(['half']);
    expect((await again.listTopics()).map((t) => t.name)).toEqual(['kept']);
    await again.close();
  });

  it('rebuilds missing or damaged index files of sealed segments', async () => {
    const d = dir();
    const log = FileLog.open(d, { logger: quiet });
    await log.createTopic('t', { segmentBytes: 4096 });
    for (let i = 0; i < 100; i++) await log.append('t', 0, [{ key: null, value: value(i) }]);
    await log.close();
    const partDir = path.join(d, 'topics', 't', '0');
    const indexes = fs.readdirSync(partDir).filter((f) => f.endsWith('.index'));
    expect(indexes.length).toBeGreaterThan(2);
    fs.rmSync(path.join(partDir, indexes[0]!));
    fs.writeFileSync(path.join(partDir, indexes[1]!), Buffer.from('garbage!'));
    const again = FileLog.open(d, { logger: quiet });
    expect(await readAll(again)).toEqual(Array.from({ length: 100 }, (_, i) => value(i).toString()));
    expect(await again.fetch('t', 0, 57n, { maxRecords: 1 })).toMatchObject({ records: [{ offset: 57n }] });
    await again.close();
  });
});
