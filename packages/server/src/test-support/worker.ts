/**
 * A consumer-group member in its own process, for the multi-process test:
 * `node --conditions=@tributary/source --import tsx worker.ts <serverUrl> <group> <topic>`.
 * Prints `joined <memberId>` once it is in the group, then `handled <eventId>` per event; SIGTERM
 * leaves the group and exits 0.
 */
import { connectRemote } from '@tributary/core';

const [url, group, topic] = process.argv.slice(2);
if (url === undefined || group === undefined || topic === undefined) {
  process.stderr.write('usage: worker.ts <serverUrl> <group> <topic>\n');
  process.exit(2);
}

const bus = await connectRemote(url, { clientId: `worker-${process.pid}` });
const consumer = await bus.subscribe({
  group,
  topics: [topic],
  from: 'earliest',
  pollWaitMs: 200,
  handler: (event) => {
    process.stdout.write(`handled ${event.id}\n`);
  },
  onError: (err, ctx) => process.stderr.write(`${ctx.phase}: ${String(err)}\n`),
});
process.stdout.write(`joined ${consumer.memberId}\n`);

process.once('SIGTERM', () => {
  bus.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
