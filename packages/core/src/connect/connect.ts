import { Bus, type BusOptions } from '../bus/bus.js';
import { invalidArgument } from '../errors/errors.js';
import type { Log } from '../ports/log.js';
import { importLogPackage, isLog, type LogPackageLoader } from './load-log-package.js';
import { DEFAULT_CONNECTION, openLog } from './schemes.js';

/** What `connect` connects to: a connection string, or a Log adapter you built. */
export type ConnectTarget = string | { readonly log: Log };

/**
 * Opens a bus.
 *
 * ```ts
 * const bus = await connect();                 // file:./data — durable, embedded
 * const bus = await connect('memory:');        // in-process, for tests
 * const bus = await connect({ log: myLog });   // any Log adapter
 * ```
 *
 * `file:<dir>` (or a bare path) needs the `@tributary/log` package. Other schemes reject with
 * `UNSUPPORTED_CONNECTION` naming the supported ones. `bus.close()` closes the log.
 */
export function connect(target: ConnectTarget = DEFAULT_CONNECTION, options?: BusOptions): Promise<Bus> {
  return connectWith(target, options, importLogPackage);
}

/** {@link connect} with an injectable log-package loader (tests). */
export async function connectWith(
  target: ConnectTarget,
  options: BusOptions | undefined,
  loader: LogPackageLoader,
): Promise<Bus> {
  if (typeof target === 'object' && target !== null) {
    if (!isLog(target.log)) {
      throw invalidArgument(
        'connect({ log }) needs a Log adapter (createTopic, append, fetch, commitOffsets, …).',
      );
    }
    return new Bus(target.log, options);
  }
  if (typeof target !== 'string') {
    throw invalidArgument(
      `connect expects a connection string or { log }; got ${target === null ? 'null' : typeof target}.`,
    );
  }
  const log = await openLog(target, loader);
  try {
    return new Bus(log, options);
  } catch (err) {
    // Bad options: do not leave the log (and a file log's directory lock) open.
    await log.close();
    throw err;
  }
}
