/**
 * What the HTTP layer needs from logging and metrics. `createLogger` (pino) and
 * `createServerMetrics` (prom-client) from `../observability/` fit these shapes; the fallbacks
 * below keep `createServer` usable without them (tests, embedding).
 */
import type { ServerMetrics } from '../observability/server-metrics.js';

/** A structured logger (a pino logger fits). */
export interface ServerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** The part of {@link ServerMetrics} the routes use. */
export type HttpMetrics = Pick<
  ServerMetrics,
  'observeHttp' | 'recordPublished' | 'recordConsumed' | 'render' | 'contentType'
>;

/** Discards everything. */
export const SILENT_LOGGER: ServerLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
  debug: () => {},
};

/** A logger writing one JSON line per entry to stderr (used when no logger is given). */
export function jsonLinesLogger(level: 'debug' | 'info' | 'warn' | 'error' = 'info'): ServerLogger {
  const rank = { debug: 0, info: 1, warn: 2, error: 3 } as const;
  const write =
    (at: keyof typeof rank) =>
    (obj: object, msg?: string): void => {
      if (rank[at] < rank[level]) return;
      const error = 'err' in obj && obj.err instanceof Error ? { err: describeError(obj.err) } : {};
      process.stderr.write(`${JSON.stringify({ level: at, time: Date.now(), ...obj, ...error, msg })}\n`);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

function describeError(err: Error): object {
  return { type: err.name, message: err.message, stack: err.stack };
}

/** Metrics that record nothing; `/metrics` then says so. */
export const NO_METRICS: HttpMetrics = {
  contentType: 'text/plain; version=0.0.4; charset=utf-8',
  observeHttp: () => {},
  recordPublished: () => {},
  recordConsumed: () => {},
  render: async () => '# Metrics are not configured on this server.\n',
};
