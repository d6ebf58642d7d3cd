// Child process of exactly-once.crash.test.ts. Re-runs events e0, e1, … from the start through
// SqliteExactlyOnce, each effect inserting one row into `effects` (no UNIQUE constraint, so a
// duplicate would show), and prints `ack <i> applied|skipped` after each apply returns, until killed.
// With a hang index it blocks forever inside that event's effect (after its insert, before the
// commit), so the parent's SIGKILL lands exactly between the effect and the commit.
import { SqliteExactlyOnce } from '../exactly-once.js';

const [file, hangArg] = process.argv.slice(2) as [string, string];
const hangAt = Number(hangArg);
const eo = new SqliteExactlyOnce(file);
eo.db.exec('CREATE TABLE IF NOT EXISTS effects (event_id TEXT NOT NULL)');
process.stdout.write('ready\n');

const blocker = new Int32Array(new SharedArrayBuffer(4));
for (let i = 0; ; i++) {
  const eventId = `e${i}`;
  const key = { group: 'crash', eventId, topic: 'crash', partition: 0, nextOffset: BigInt(i + 1) };
  const outcome = eo.apply(key, (tx) => {
    tx.run('INSERT INTO effects (event_id) VALUES (?)', eventId);
    if (i === hangAt) {
      process.stdout.write(`inside ${i}\n`);
      Atomics.wait(blocker, 0, 0);
    }
  });
  // Pipes are synchronous on Linux: the line is out before the next apply starts.
  process.stdout.write(`ack ${i} ${outcome.applied ? 'applied' : 'skipped'}\n`);
}
