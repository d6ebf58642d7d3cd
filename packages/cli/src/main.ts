// The `trib` executable: runs the CLI on this process's arguments, streams and signals.
import { runCli } from './cli.js';
import { EXIT } from './exit-codes.js';

const stop = new AbortController();
let interrupts = 0;
const onSignal = () => {
  // First Ctrl-C: stop cleanly (commit offsets, leave the group, close). Second: give up at once.
  if (++interrupts > 1) process.exit(130);
  stop.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// `trib consume … | head -1`: the reader went away; stop quietly instead of crashing.
let stdoutClosed = false;
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  stdoutClosed = true;
  stop.abort();
});

const code = await runCli(process.argv.slice(2), {
  stdout: { write: (text) => void (stdoutClosed || process.stdout.write(text)) },
  stderr: { write: (text) => void process.stderr.write(text) },
  // Lazy: only produce touches stdin, so other commands never hold it open.
  get stdin() {
    return process.stdin;
  },
  env: process.env,
  signal: stop.signal,
});
process.exitCode = stdoutClosed ? EXIT.OK : code;
// Everything was closed; should a stray handle keep the loop alive, do not hang on it.
setTimeout(() => process.exit(process.exitCode), 1000).unref();
