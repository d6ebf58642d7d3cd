// `npm run demo`: the order-fulfilment system under load, with failures, checked for consistency.
// See ../README.md. Exit code 0: consistent; 1: a violation or a stuck order; 2: bad arguments.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isTributaryError } from '@tributary/core';
import { parseCliOptions, USAGE } from './cli-options.js';
import { type DemoOptions, runDemo } from './run-demo.js';

/** Runs the demo with command-line arguments; resolves with the exit code. */
export async function main(
  argv: readonly string[],
  overrides: Partial<Pick<DemoOptions, 'out' | 'beforeCheck' | 'faults' | 'runTag' | 'sagaDeadlineMs'>> = {},
): Promise<number> {
  const out = overrides.out ?? process.stdout;
  let cli: ReturnType<typeof parseCliOptions>;
  try {
    cli = parseCliOptions(argv);
  } catch (err) {
    if (!isTributaryError(err, 'INVALID_ARGUMENT')) throw err;
    process.stderr.write(`${err.message}\n`);
    return 2;
  }
  if (cli.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  // Relative paths are relative to where `npm run demo` was typed, not to this package.
  const where = (path: string | undefined) =>
    path === undefined ? undefined : resolve(process.env.INIT_CWD ?? '', path);
  const { exitCode } = await runDemo({
    orders: cli.orders,
    rate: cli.rate,
    failureRate: cli.failureRate,
    seed: cli.seed,
    data: where(cli.data),
    keep: cli.keep,
    json: where(cli.json),
    timeoutMs: cli.timeout * 1000,
    ...overrides,
  });
  return exitCode;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
