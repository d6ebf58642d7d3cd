// Child process of crash.test.ts: appends continuously with fsync `always` and prints one line per
// acknowledged append (`ack <partition> <baseOffset> <run> <seq> <count>`), until it is killed.
import { openFileLog } from '@tributary/log';
import { crashRecord } from './crash-records.js';

const [dir, run] = process.argv.slice(2) as [string, string];
const log = await openFileLog(dir, { logger: { warn: () => {} }, retentionCheckIntervalMs: 0 });
if ((await log.listTopics()).length === 0)
  await log.createTopic('crash', { partitions: 2, segmentBytes: 64 * 1024 });
process.stdout.write('ready\n');

let seq = 0;
async function writer(): Promise<never> {
  for (;;) {
    const s = seq++;
    const partition = s % 2;
    const count = 1 + (s % 5);
    const records = Array.from({ length: count }, (_, i) => crashRecord(run, s, i));
    const r = await log.append('crash', partition, records);
    process.stdout.write(`ack ${partition} ${r.baseOffset} ${run} ${s} ${count}\n`);
  }
}
// Eight concurrent writers: appends share group commits, as under real load.
await Promise.all(Array.from({ length: 8 }, writer));
