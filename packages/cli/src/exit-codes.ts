/** Exit codes of `trib`, documented in `trib --help`. */
export const EXIT = {
  /** The command did what was asked. */
  OK: 0,
  /** An operational failure: server unreachable, data directory locked, storage error, conflict. */
  FAILURE: 1,
  /** A usage error: unknown command or flag, bad flag value, bad input line. */
  USAGE: 2,
  /** What the command names does not exist: topic, partition, consumer group, dead letter, API key. */
  NOT_FOUND: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The "Exit codes" section of `trib --help`. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  operational failure (server unreachable, data directory locked, storage error, conflict)
  2  usage error (unknown command or flag, bad flag value, bad input)
  3  not found (topic, partition, consumer group, dead letter, API key or keys file does not exist)`;

/**
 * An error the CLI reports itself: `message` says what was wrong and how to fix it, `exitCode`
 * is what `trib` exits with.
 */
export class CliError extends Error {
  override readonly name: string = 'CliError';

  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A bad flag, argument or input line (exit code 2). */
export function usageError(message: string): CliError {
  return new CliError(EXIT.USAGE, message);
}

/** Something named does not exist (exit code 3). */
export function notFound(message: string, cause?: unknown): CliError {
  return new CliError(EXIT.NOT_FOUND, message, { cause });
}

/** An operational failure (exit code 1). */
export function failure(message: string, cause?: unknown): CliError {
  return new CliError(EXIT.FAILURE, message, { cause });
}
