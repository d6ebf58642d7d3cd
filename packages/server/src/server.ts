/**
 * Runs the API on a socket: opens the data directory (log, and the SQLite event store in
 * `<data>/events.db`), API keys, logging and metrics, listens, and shuts down gracefully.
 */
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { serve } from '@hono/node-server';
import { createBus, type EventStore } from '@tributary/core';
import { openFileLog } from '@tributary/log';
import { openSqliteEventStore } from '@tributary/sqlite';
import { createServer } from './app.js';
import { auditAdminAction } from './auth/audit.js';
import { createAuthenticator, type KeyAuthenticator } from './auth/authenticator.js';
import { assertSecure, resolveConfig, type ServerConfig, type ServerConfigInput } from './config.js';
import type { ServerLogger } from './http/observability.js';
import { createLogger } from './observability/logger.js';
import { createServerMetrics } from './observability/server-metrics.js';

/** A listening server. */
export interface RunningServer {
  /** `http://<host>:<port>` with the real port (also when started on port 0). */
  readonly url: string;
  readonly port: number;
  readonly config: ServerConfig;
  readonly authenticator: KeyAuthenticator;
  /**
   * Graceful shutdown: stops accepting connections, ends SSE streams and long polls, removes HTTP
   * group members, waits for in-flight requests (at most `shutdownTimeoutMs`, then drops the
   * remaining connections), then closes the event store and the log cleanly. Idempotent.
   */
  close(): Promise<void>;
}

/** Options of {@link startServer} beyond the configuration. */
export interface StartOptions {
  /** Default: pino per `config.logLevel`. */
  readonly logger?: ServerLogger;
}

/**
 * Starts a server. Validates `input` (defaults apply), refuses a non-loopback host without API
 * keys (`ConfigError`, exit code 2), opens everything, listens.
 * @throws ConfigError for bad or insecure configuration; the log's or the socket's error otherwise
 *   (`DATA_DIR_LOCKED`, `EADDRINUSE`, …), after closing what was opened.
 */
export async function startServer(
  input: ServerConfigInput = {},
  options: StartOptions = {},
): Promise<RunningServer> {
  const config = resolveConfig(input);
  assertSecure(config);
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const authenticator = createAuthenticator(
    config.keysFile === undefined ? undefined : { keysFile: config.keysFile },
  );
  const metrics = createServerMetrics();

  const log = await openFileLog(config.data, { onFsync: (seconds) => metrics.observeFsync(seconds) });
  const bus = createBus(log, { autoCreateTopics: config.autoCreateTopics });
  let store: EventStore | undefined;
  try {
    store = config.eventStore ? await openSqliteEventStore(path.join(config.data, 'events.db')) : undefined;
  } catch (err) {
    await bus.close();
    throw err;
  }
  const stopLogStats = metrics.collectLogStats(bus.log);
  const api = createServer({
    bus,
    ...(store === undefined ? {} : { store }),
    authenticator,
    metrics,
    logger,
    audit: (principal, action, details) => auditAdminAction(bus, principal, action, details),
    maxBodyBytes: config.maxBodyBytes,
    memberSessionTimeoutMs: config.sessionTimeoutMs,
  });

  const closeStorage = async () => {
    stopLogStats();
    await store?.close();
    await bus.close();
  };
  let http: ReturnType<typeof serve>;
  let address: AddressInfo;
  try {
    ({ http, address } = await listen(api.fetch, config.host, config.port));
  } catch (err) {
    await closeStorage();
    throw err;
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info(
    { url, data: config.data, auth: authenticator.enabled, eventStore: store !== undefined },
    'listening',
  );

  let closing: Promise<void> | undefined;
  const shutdown = async () => {
    logger.info({}, 'shutting down');
    const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
    await api.close({ timeoutMs: config.shutdownTimeoutMs });
    await drain(http, stopped, config.shutdownTimeoutMs);
    await closeStorage();
    logger.info({}, 'stopped');
  };
  return {
    url,
    port: address.port,
    config,
    authenticator,
    close: () => {
      closing ??= shutdown();
      return closing;
    },
  };
}

function listen(
  fetch: (request: Request, env?: unknown) => Promise<Response>,
  hostname: string,
  port: number,
): Promise<{ http: ReturnType<typeof serve>; address: AddressInfo }> {
  return new Promise((resolve, reject) => {
    const http = serve({ fetch, hostname, port }, (info) => resolve({ http, address: info }));
    http.once('error', reject);
  });
}

/** Waits for open requests to finish, at most `timeoutMs`; then drops the connections left. */
async function drain(
  http: ReturnType<typeof serve>,
  stopped: Promise<void>,
  timeoutMs: number,
): Promise<void> {
  if (!('closeAllConnections' in http)) return stopped;
  http.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMs);
  });
  const late = await Promise.race([stopped.then(() => false), timedOut]);
  clearTimeout(timer);
  if (late) {
    http.closeAllConnections();
    await stopped;
  }
}
