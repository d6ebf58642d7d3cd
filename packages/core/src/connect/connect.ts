import { Bus, type BusOptions } from '../bus/bus.js';
import { invalidArgument } from '../errors/errors.js';
import type { Log } from '../ports/log.js';
import type { RemoteBus } from '../remote/remote-bus.js';
import type { RemoteOptions } from '../remote/types.js';
import { importLogPackage, isLog, type LogPackageLoader } from './load-log-package.js';
import { DEFAULT_CONNECTION, openLog } from './schemes.js';

/** What `connect` connects to: a connection string, or a Log adapter you built. */
export type ConnectTarget = string | { readonly log: Log };

/** The URL of a running Tributary server. */
export type ServerUrl = `http://${string}` | `https://${string}`;

/**
 * Opens a bus.
 *
 * ```ts
 * const bus = await connect();                 // file:./data — durable, embedded
 * const bus = await connect('memory:');        // in-process, for tests
 * const bus = await connect({ log: myLog });   // any Log adapter
 * const remote = await connect('http://localhost:8080', { apiKey }); // a RemoteBus on a server
 * ```
 *
 * `file:<dir>` (or a bare path) needs the `@tributary/log` package. An `http(s)://` URL returns a
 * {@link RemoteBus} (the remote client is loaded only then); the overload needs the URL's type to
 * start with `http://` or `https://` — for a URL held in a plain `string`, call `connectRemote`.
 * Other schemes reject with `UNSUPPORTED_CONNECTION` naming the supported ones. `bus.close()`
 * closes the log.
 */
export function connect(target: ServerUrl, options?: RemoteOptions): Promise<RemoteBus>;
export function connect(target?: ConnectTarget, options?: BusOptions): Promise<Bus>;
export async function connect(
  target: ConnectTarget = DEFAULT_CONNECTION,
  options?: BusOptions | RemoteOptions,
): Promise<Bus | RemoteBus> {
  if (typeof target === 'string' && /^https?:\/\//i.test(target)) {
    return connectRemote(target, remoteOptions(options));
  }
  return connectWith(target, options, importLogPackage);
}

/**
 * Connects to a running Tributary server: {@link connect} for a URL typed as a plain `string`
 * (e.g. read from the environment). The remote client is loaded on first use.
 * @throws RemoteError `UNSUPPORTED_CONNECTION` naming the URL when the server cannot be reached,
 *   or saying to pass `apiKey` when it answers 401; `INVALID_ARGUMENT` for a URL that is not
 *   http(s).
 */
export async function connectRemote(url: string, options?: RemoteOptions): Promise<RemoteBus> {
  const remote = await import('../remote/remote-bus.js');
  return remote.connectRemote(url, options);
}

function remoteOptions(options: BusOptions | RemoteOptions | undefined): RemoteOptions {
  if (options === undefined) return {};
  const { apiKey, clientId, requestTimeoutMs } = options as RemoteOptions;
  return {
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(clientId === undefined ? {} : { clientId }),
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
  };
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
