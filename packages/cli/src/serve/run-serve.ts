import { serveUntilStopped } from '@tributary/server';
import type { CliIo } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';

export interface ServeOptions {
  readonly data?: string;
  readonly host?: string;
  readonly port?: number;
  readonly keysFile?: string;
  readonly logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/**
 * Runs the server until SIGINT/SIGTERM (the server's own graceful shutdown), with the flags over
 * what the environment and `tributary.config.json` say. The server prints its own errors, so a
 * failure is reported by exit code only.
 */
export async function serve(options: ServeOptions, io: CliIo): Promise<void> {
  const code = await serveUntilStopped(options, {
    out: (line) => io.stdout.write(`${line}\n`),
    err: (line) => io.stderr.write(`${line}\n`),
  });
  if (code !== 0) throw new CliError(code === 2 ? EXIT.USAGE : EXIT.FAILURE, '');
}
