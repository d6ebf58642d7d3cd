// Child process of outbox.crash.test.ts: appends events to a SQLite event store with the outbox on
// while a relay publishes them to a file log, printing "acked <n>" once each append is committed.
// With "drain" it only relays until the outbox is empty, then prints "drained".
import { connect, defineEvent, startOutboxRelay } from '@tributary/core';
import { openSqliteEventStore } from '@tributary/sqlite';
import { z } from 'zod';

const [logDir, dbFile, mode, first] = process.argv.slice(2) as [string, string, string, string];
export const Counted = defineEvent('counter.incremented', {
  version: 1,
  schema: z.object({ n: z.number() }),
});

const bus = await connect(`file:${logDir}`, { autoCreateTopics: true });
const store = await openSqliteEventStore(dbFile, { outboxTopic: () => 'counted' });
// A fixed owner: the restarted process takes its own lease back at once instead of waiting it out.
const relay = startOutboxRelay(store, bus, { owner: 'crash-worker', batchSize: 20 });

if (mode === 'drain') {
  await relay.whenIdle({ timeoutMs: 60_000 });
  process.stdout.write('drained\n');
  await relay.stop();
  await store.close();
  await bus.close();
} else {
  process.stdout.write('ready\n');
  // Eight writers on overlapping streams: group commit, conflicts-free ('any'), relay in between.
  let next = Number(first);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (;;) {
        const n = next++;
        await store.appendToStream(`counter-${n % 40}`, [Counted.create({ n })]);
        process.stdout.write(`acked ${n}\n`);
      }
    }),
  );
}
