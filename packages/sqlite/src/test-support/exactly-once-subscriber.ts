// Child process of subscribe-crash.test.ts: consumes `payments` from a file log with exactly-once
// delivery into SQLite, one effect row per event, until it is killed.
import { connect } from '@tributary/core';
import { SqliteExactlyOnce } from '@tributary/sqlite';

const [dir, dbFile] = process.argv.slice(2) as [string, string];
const store = new SqliteExactlyOnce(dbFile);
store.db.exec('CREATE TABLE IF NOT EXISTS effects (event_id TEXT NOT NULL, n INTEGER NOT NULL)');
const bus = await connect(`file:${dir}`);
await bus.subscribe({
  group: 'ledger',
  topics: ['payments'],
  from: 'earliest',
  maxBytesPerFetch: 16 * 1024, // small batches: many transactions, many places to be killed in
  delivery: { exactlyOnce: store },
  handler: (event, ctx) => {
    const { n } = event.data as { n: number };
    ctx.tx.run('INSERT INTO effects (event_id, n) VALUES (?, ?)', event.id, n);
  },
});
process.stdout.write('ready\n');
