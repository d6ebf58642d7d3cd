// Maps driver and server errors to Tributary errors whose messages name the server and the fix.
import { StorageError, TributaryError } from '@tributary/core';

/** Node socket errors that mean "the server is not there (yet)": retrying may succeed. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** SQLSTATEs (or their two-character classes) of transient conditions. */
const RETRYABLE_STATES = ['08', '53', '57P01', '57P02', '57P03', '40001', '40P01', '55P03'];

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

function messageOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return messageOf(err.errors[0]);
  return err instanceof Error ? err.message || String(codeOf(err) ?? err.name) : String(err);
}

function isNetworkFailure(err: unknown, code: string | undefined): boolean {
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  const message = err instanceof Error ? err.message : '';
  return /Connection terminated|connection timeout|timeout expired/i.test(message);
}

/**
 * Turns whatever `doing` (`'append to stream "order-1"'`) failed with into a Tributary error:
 * Tributary errors pass through; everything else becomes `STORAGE_FAILURE`, retryable when the
 * condition is transient (server unreachable, restarting, out of connections, deadlock).
 */
export function toStorageError(err: unknown, doing: string, server: string): TributaryError {
  if (err instanceof TributaryError) return err;
  const code = codeOf(err);
  const detail = messageOf(err);
  if (isNetworkFailure(err, code))
    return new StorageError(
      'STORAGE_FAILURE',
      `Cannot ${doing}: PostgreSQL at ${server} is unreachable (${detail}). Start the server, or fix the connection string (host, port) of the event store.`,
      { cause: err, retryable: true },
    );
  if (code?.startsWith('28'))
    return new StorageError(
      'STORAGE_FAILURE',
      `Cannot ${doing}: PostgreSQL at ${server} rejected the login (${detail}). Fix the user or password in the connection string.`,
      { cause: err },
    );
  if (code === '3D000')
    return new StorageError(
      'STORAGE_FAILURE',
      `Cannot ${doing}: ${detail} on PostgreSQL at ${server}. Create the database (CREATE DATABASE) or fix its name in the connection string.`,
      { cause: err },
    );
  const retryable = code !== undefined && RETRYABLE_STATES.some((s) => code.startsWith(s));
  return new StorageError(
    'STORAGE_FAILURE',
    `Cannot ${doing}: PostgreSQL at ${server} failed with ${detail}${code === undefined ? '' : ` (SQLSTATE ${code})`}.${retryable ? ' The condition is transient: retry.' : ''}`,
    { cause: err, retryable },
  );
}

/** The error of any call on a closed store. */
export function storeClosed(doing: string): TributaryError {
  return new TributaryError(
    'CLOSED',
    `Cannot ${doing}: the PostgreSQL event store is closed. Open a new one with openPostgresEventStore().`,
  );
}

/** `postgres://user@host:port/db` without the password, for messages. */
export function describeServer(connectionString: string | undefined, pool?: PoolLike): string {
  if (connectionString !== undefined) {
    try {
      const url = new URL(connectionString);
      url.password = '';
      url.search = '';
      return url.toString();
    } catch {
      return 'the server of the connection string';
    }
  }
  const o = pool?.options;
  if (o?.connectionString !== undefined) return describeServer(o.connectionString);
  const user = o?.user === undefined ? '' : `${String(o.user)}@`;
  return `postgres://${user}${o?.host ?? 'localhost'}:${o?.port ?? 5432}/${o?.database ?? ''}`;
}

/** What {@link describeServer} reads of a borrowed pool. */
interface PoolLike {
  readonly options?: {
    readonly connectionString?: string;
    readonly user?: unknown;
    readonly host?: string;
    readonly port?: number;
    readonly database?: string;
  };
}
