/**
 * Child process of `log.memory`: opens a log that already holds events, reads the topic end to
 * end through the Log port, and prints one JSON line with its peak RSS. Run in its own process so
 * nothing else (the parent's other rows) counts toward the peak.
 *
 * argv: <data dir> <topic>
 */
import { performance } from 'node:perf_hooks';

const [dir, topic] = process.argv.slice(2);
if (!dir || !topic) throw new Error('usage: memory-child <data dir> <topic>');

const { connect } = await import('@tributary/core');
const baselineMb = process.resourceUsage().maxRSS / 1024;
const start = performance.now();
const bus = await connect(`file:${dir}`);
const description = await bus.log.describeTopic(topic);
let events = 0;
for (const p of description.partitions) {
  let offset = p.earliestOffset;
  while (offset < p.latestOffset) {
    const r = await bus.log.fetch(topic, p.partition, offset, { maxBytes: 1 << 20 });
    if (r.records.length === 0) break;
    events += r.records.length;
    offset = r.nextOffset;
  }
}
const elapsedMs = performance.now() - start;
await bus.close();
const peakMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ events, elapsedMs, baselineMb, peakMb })}\n`);
