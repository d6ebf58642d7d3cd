// The demo's command line: `npm run demo -- --orders 500 --rate 100 --failure-rate 0.2`.
import { parseArgs } from 'node:util';
import { ValidationError } from '@tributary/core';

/** The demo's settings, from the command line. */
export interface CliOptions {
  readonly orders: number;
  readonly rate: number;
  readonly failureRate: number;
  /** `undefined`: a fresh temporary directory. */
  readonly data: string | undefined;
  readonly keep: boolean;
  readonly json: string | undefined;
  readonly seed: number;
  /** Overall timeout for every order to end, in seconds. */
  readonly timeout: number;
  readonly help: boolean;
}

export const USAGE = `Usage: npm run demo -- [options]

Runs the order-fulfilment system: places orders with injected failures, shows live progress, waits
for every order to end, then checks that every service agrees (exit code 1 on any violation).

  --orders N         orders to place (default 200)
  --rate R           orders per second (default 50)
  --failure-rate F   share of orders that meet a failure, 0..1 (default 0.1), split among payment
                     declines, out of stock, shipping failures and payment-gateway outages
  --data DIR         data directory (default: a fresh temporary one, removed afterwards)
  --keep             keep the temporary data directory
  --json FILE        write a summary as JSON
  --seed S           seed of the random choices (default: random, printed)
  --timeout S        give up waiting for orders after S seconds (default 120)
  --help             show this help`;

function invalid(option: string, expected: string, value: string): ValidationError {
  return new ValidationError(
    'INVALID_ARGUMENT',
    `Invalid --${option} ${JSON.stringify(value)}: expected ${expected}. Run with --help for the options.`,
    [{ path: option, message: `expected ${expected}` }],
  );
}

function number(
  option: string,
  value: string | undefined,
  fallback: number,
  check: (n: number) => boolean,
  expected: string,
): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || !check(parsed))
    throw invalid(option, expected, value);
  return parsed;
}

/**
 * Parses the demo's arguments (without `node` and the script).
 * @throws ValidationError `INVALID_ARGUMENT` naming the bad option and what it expects.
 */
export function parseCliOptions(argv: readonly string[]): CliOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (err) {
    throw new ValidationError(
      'INVALID_ARGUMENT',
      `${(err as Error).message}. Run with --help for the options.`,
      [],
      {
        cause: err,
      },
    );
  }
  return {
    orders: number('orders', values.orders, 200, (n) => Number.isSafeInteger(n) && n >= 1, 'an integer >= 1'),
    rate: number('rate', values.rate, 50, (n) => n > 0, 'a number of orders per second > 0'),
    failureRate: number(
      'failure-rate',
      values['failure-rate'],
      0.1,
      (n) => n >= 0 && n <= 1,
      'a number from 0 to 1',
    ),
    data: values.data,
    keep: values.keep === true,
    json: values.json,
    seed: number(
      'seed',
      values.seed,
      Math.floor(Math.random() * 2 ** 31),
      Number.isSafeInteger,
      'an integer',
    ),
    timeout: number('timeout', values.timeout, 120, (n) => n > 0, 'a number of seconds > 0'),
    help: values.help === true,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      orders: { type: 'string' },
      rate: { type: 'string' },
      'failure-rate': { type: 'string' },
      data: { type: 'string' },
      keep: { type: 'boolean' },
      json: { type: 'string' },
      seed: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
