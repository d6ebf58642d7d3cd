// Child process of saga-crash.test.ts: runs the order saga and its services on the file log and
// SQLite store in the given directory until it is killed.
import { runSagaSystem } from './saga-system.js';

const [dir] = process.argv.slice(2) as [string];
await runSagaSystem(dir);
process.stdout.write('ready\n');
