// Child process of subscribe-crash.test.ts: subscribes to `orders` in a data directory and prints
// `start <id>` when a handler begins and `done <id>` when it returns. The handler of the event whose
// id is in HANG_ON never returns, so the parent can kill the process in the middle of it.
import { connect } from '@tributary/core';

const [dir, hangOn] = process.argv.slice(2) as [string, string | undefined];
const bus = await connect(`file:${dir}`);
await bus.subscribe({
  group: 'billing',
  topics: ['orders'],
  from: 'earliest',
  commitIntervalMs: 10,
  handler: async (event) => {
    process.stdout.write(`start ${event.id}\n`);
    if (event.id === hangOn) await new Promise(() => {});
    process.stdout.write(`done ${event.id}\n`);
  },
});
process.stdout.write('ready\n');
