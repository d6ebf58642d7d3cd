import { invalidArgument } from '@tributary/core/internal';
import { type DestinationStream, type Logger, pino } from 'pino';
import PinoPretty from 'pino-pretty';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** `fatal`, `error`, `warn`, `info` (default), `debug`, `trace` or `silent`. */
  readonly level?: string | undefined;
  /** Human-readable lines instead of JSON. Default: when stdout is a terminal. */
  readonly pretty?: boolean | undefined;
  /** Where to write (default stdout); for tests and embedding. */
  readonly destination?: DestinationStream | undefined;
}

/**
 * The server's logger: pino JSON lines (one object per line, for log shippers), or pino-pretty's
 * readable lines on a terminal. Credentials in logged request headers are redacted.
 * @throws ValidationError `INVALID_ARGUMENT` for an unknown level.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  if (!LEVELS.includes(level)) {
    throw invalidArgument(`Unknown log level ${JSON.stringify(level)}: use one of ${LEVELS.join(', ')}.`);
  }
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  const config = {
    name: 'tributary',
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'headers.authorization',
        'headers["x-api-key"]',
      ],
      censor: '[redacted]',
    },
  };
  if (!pretty) return options.destination === undefined ? pino(config) : pino(config, options.destination);
  // In-process (sync) prettifier: no worker thread, lines appear in order with the process's output.
  const stream = PinoPretty({
    sync: true,
    colorize: options.destination === undefined && process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name',
    ...(options.destination === undefined ? {} : { destination: options.destination }),
  });
  return pino(config, stream);
}
