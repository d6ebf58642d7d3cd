import { fileURLToPath } from 'node:url';
import { invalidArgument, TributaryError } from '../errors/errors.js';
import { createMemoryLog } from '../memory/memory-log.js';
import type { Log } from '../ports/log.js';
import { isLog, type LogPackageLoader, loadFileLogOpener } from './load-log-package.js';

/** The connection string used when none is given. */
export const DEFAULT_CONNECTION = 'file:./data';

/** A connection string split into its scheme and the rest (a path for `file:`). */
export interface ParsedConnection {
  readonly scheme: string;
  readonly location: string;
}

interface Scheme {
  /** How the scheme is written in the list of supported ones. */
  readonly usage: string;
  open(location: string, loader: LogPackageLoader): Promise<Log>;
}

/** Adapters by scheme. Adding a backend (kafka:, nats:, http:) means adding a row here. */
const SCHEMES: Readonly<Record<string, Scheme>> = {
  file: {
    usage: 'file:<directory> (the default, file:./data)',
    async open(location, loader) {
      const openFileLog = await loadFileLogOpener(loader);
      return openFileLog(location);
    },
  },
  memory: {
    usage: 'memory: (in-process, nothing survives a restart)',
    async open() {
      return createMemoryLog();
    },
  },
};

/** Schemes Tributary plans to support; named as "not supported yet" rather than "unknown". */
const PLANNED = new Set(['kafka', 'postgres', 'postgresql', 'nats']);

// RFC 3986 scheme; one letter is a Windows drive ("C:\data"), so treated as a path.
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]+):(.*)$/s;

/**
 * Splits a connection string. A string without a scheme is a directory (`./data` = `file:./data`);
 * `file:` takes a path (`file:./data`, `file:/var/lib/tributary`) or a file URL (`file:///var/...`).
 */
export function parseConnectionString(connection: string): ParsedConnection {
  if (typeof connection !== 'string' || connection.trim() === '') {
    throw invalidArgument(
      `A connection string must be a non-empty string such as "file:./data" or "memory:"; got ${JSON.stringify(connection)}.`,
    );
  }
  const match = SCHEME.exec(connection);
  if (match === null) return { scheme: 'file', location: connection };
  const scheme = (match[1] as string).toLowerCase();
  const rest = match[2] as string;
  if (scheme !== 'file') return { scheme, location: rest };
  let location = rest;
  if (rest.startsWith('//')) {
    try {
      location = fileURLToPath(new URL(connection));
    } catch (err) {
      throw invalidArgument(`Invalid file URL ${JSON.stringify(connection)}: ${(err as Error).message}.`);
    }
  }
  if (location === '') throw invalidArgument('The file: connection needs a directory, e.g. "file:./data".');
  return { scheme, location };
}

/** Opens the Log a connection string names; `UNSUPPORTED_CONNECTION` for schemes not supported. */
export async function openLog(connection: string, loader: LogPackageLoader): Promise<Log> {
  const { scheme, location } = parseConnectionString(connection);
  const entry = Object.hasOwn(SCHEMES, scheme) ? SCHEMES[scheme] : undefined;
  if (entry === undefined) throw unsupported(scheme);
  if (scheme === 'memory' && location !== '' && location !== '//') {
    throw invalidArgument(`The memory: connection takes no location; got "memory:${location}".`);
  }
  const log = await entry.open(location, loader);
  if (!isLog(log)) {
    throw new TributaryError('UNSUPPORTED_CONNECTION', `The ${scheme}: adapter did not return a Log.`);
  }
  return log;
}

function unsupported(scheme: string): TributaryError {
  const supported = Object.values(SCHEMES)
    .map((s) => s.usage)
    .join('; ');
  // Name only the scheme: the rest of a connection string may hold credentials.
  const what = PLANNED.has(scheme) ? 'is not supported yet' : 'is unknown';
  return new TributaryError(
    'UNSUPPORTED_CONNECTION',
    `Connection scheme "${scheme}:" ${what}. Supported: ${supported}; http(s)://<server> (a running Tributary server); or pass { log } with your own Log adapter.`,
  );
}
