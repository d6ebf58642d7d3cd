// Shared by the loops that tail the event store (projection runners, the outbox relay).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { invalidArgument } from '../errors/errors.js';

/** Options shared by projection runners and the outbox relay, with defaults filled in. */
export interface LoopOptions {
  readonly owner: string;
  readonly leaseTtlMs: number;
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  readonly onError: (error: unknown) => void;
}

export const DEFAULT_LEASE_TTL_MS = 30_000;
export const DEFAULT_BATCH_SIZE = 100;
export const DEFAULT_POLL_INTERVAL_MS = 1000;
/** Waits for a condition (`whenCaughtUp`, `whenIdle`) give up after this long by default. */
export const DEFAULT_WAIT_TIMEOUT_MS = 30_000;

/** A lease owner unique to this instance: host, process and a random part. */
export function defaultOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Validates the loop options of `where` (`startProjection`, `startOutboxRelay`) and fills the defaults. */
export function resolveLoopOptions(
  where: string,
  options: {
    readonly owner?: string;
    readonly leaseTtlMs?: number;
    readonly batchSize?: number;
    readonly pollIntervalMs?: number;
    readonly onError?: (error: unknown) => void;
  },
): LoopOptions {
  if (options === null || typeof options !== 'object')
    throw invalidArgument(`${where}: options must be an object.`);
  const owner = options.owner ?? defaultOwner();
  if (typeof owner !== 'string' || owner.length === 0 || owner.length > 200)
    throw invalidArgument(`${where}: option owner must be a string of 1 to 200 characters.`);
  const onError = options.onError ?? reportToStderr(where);
  if (typeof onError !== 'function') throw invalidArgument(`${where}: option onError must be a function.`);
  return {
    owner,
    leaseTtlMs: integer(where, 'leaseTtlMs', options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS, 30, 86_400_000),
    batchSize: integer(where, 'batchSize', options.batchSize ?? DEFAULT_BATCH_SIZE, 1, 10_000),
    pollIntervalMs: integer(
      where,
      'pollIntervalMs',
      options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      1,
      3_600_000,
    ),
    onError,
  };
}

/** Checks a wait's `timeoutMs`: a positive number of ms, `Infinity` to wait for ever. */
export function checkTimeout(where: string, timeoutMs: unknown): number {
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs <= 0)
    throw invalidArgument(`${where}: timeoutMs must be a positive number of milliseconds (or Infinity).`);
  return timeoutMs;
}

function integer(where: string, name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max)
    throw invalidArgument(
      `${where}: option ${name} must be an integer from ${min} to ${max}, got ${String(value)}.`,
    );
  return value;
}

function reportToStderr(where: string): (error: unknown) => void {
  return (error) => {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(`[tributary] ${where}: store error, retrying: ${text}\n`);
  };
}
