// Child process of sqlite-event-store.crash.test.ts. Eight concurrent writers append one to three
// events at a time to their own stream with the exact expected version (every third append is an
// appendToStreams over the writer's stream and its side stream), and print one line per
// acknowledged append, until killed:
//   ack <stream> <version> <position> <id>,<id>,…
import { type CloudEvent, uuidv7 } from '@tributary/core';
import { openSqliteEventStore } from '../sqlite-event-store.js';

const [file] = process.argv.slice(2) as [string];
const store = await openSqliteEventStore(file);
const WRITERS = 8;

const event = (stream: string): CloudEvent => ({
  specversion: '1.0',
  id: uuidv7(),
  source: 'crash-worker',
  type: 'crash.appended',
  time: new Date().toISOString(),
  data: { stream, pad: 'x'.repeat(200) },
});
const batch = (stream: string): CloudEvent[] =>
  Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => event(stream));
const ack = (stream: string, version: bigint, position: bigint, events: readonly CloudEvent[]): void => {
  // Pipes are synchronous on Linux: the line is out before the next append is issued.
  process.stdout.write(`ack ${stream} ${version} ${position} ${events.map((e) => e.id).join(',')}\n`);
};

async function writer(w: number): Promise<void> {
  const main = `crash-${w}`;
  const side = `side-${w}`;
  let version = (await store.getStream(main))?.version ?? 0n;
  let sideVersion = (await store.getStream(side))?.version ?? 0n;
  for (let i = 0; ; i++) {
    const events = batch(main);
    if (i % 3 === 2) {
      const sideEvents = batch(side);
      const [a, b] = await store.appendToStreams([
        { stream: main, events, expectedVersion: version },
        { stream: side, events: sideEvents, expectedVersion: sideVersion },
      ]);
      version = a?.nextExpectedVersion ?? version;
      sideVersion = b?.nextExpectedVersion ?? sideVersion;
      ack(main, version, a?.position ?? 0n, events);
      ack(side, sideVersion, b?.position ?? 0n, sideEvents);
    } else {
      const result = await store.appendToStream(main, events, { expectedVersion: version });
      version = result.nextExpectedVersion;
      ack(main, version, result.position, events);
    }
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
