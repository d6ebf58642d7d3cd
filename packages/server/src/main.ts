/**
 * The server process (`npm start`): reads the configuration (flags, environment, config file),
 * starts the server, prints where it listens, and on SIGTERM or SIGINT shuts down gracefully and
 * exits 0. Exit code 2: bad or insecure configuration; 1: it could not start or stop cleanly.
 * SIGHUP re-reads the API keys file.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { isTributaryError } from '@tributary/core';
import {
  ConfigError,
  loadConfig,
  resolveConfig,
  type ServerConfig,
  type ServerConfigInput,
  USAGE,
} from './config.js';
import { type RunningServer, startServer } from './server.js';

/** Where the process writes its own lines (the log goes to stdout through pino). */
export interface MainIo {
  out(line: string): void;
  err(line: string): void;
}

const consoleIo: MainIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * `npm start`: reads the configuration from `argv`, `env` and the config file, then
 * {@link runUntilStopped}. Resolves with the exit code.
 */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: MainIo = consoleIo,
): Promise<number> {
  let config: ServerConfig;
  try {
    const loaded = loadConfig({ argv, env });
    if (loaded.help) {
      io.out(USAGE);
      return 0;
    }
    config = loaded.config;
  } catch (err) {
    return startFailure(err, io);
  }
  return runUntilStopped(config, io);
}

/**
 * `trib serve`: the configuration from the environment and the config file (as `npm start`
 * reads them), with `overrides` (the command's flags) on top; then {@link runUntilStopped}.
 */
export async function serveUntilStopped(
  overrides: ServerConfigInput = {},
  io: MainIo = consoleIo,
): Promise<number> {
  let config: ServerConfig;
  try {
    const loaded = loadConfig({ env: process.env });
    if (loaded.help) return 0;
    const given = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
    config = resolveConfig({ ...loaded.config, ...given });
  } catch (err) {
    return startFailure(err, io);
  }
  return runUntilStopped(config, io);
}

/**
 * Starts the server, prints `tributary listening on <url> (data <dir>)`, and on SIGTERM or SIGINT
 * shuts down gracefully. Resolves with the exit code: 0 after a clean shutdown, 2 for a bad or
 * insecure configuration, 1 when it could not start or stop cleanly.
 */
export async function runUntilStopped(config: ServerConfigInput, io: MainIo = consoleIo): Promise<number> {
  let running: RunningServer;
  try {
    running = await startServer(config);
  } catch (err) {
    return startFailure(err, io);
  }
  io.out(`tributary listening on ${running.url} (data ${running.config.data})`);
  return untilSignalled(running, io);
}

function startFailure(err: unknown, io: MainIo): number {
  if (err instanceof ConfigError || isTributaryError(err, 'INVALID_ARGUMENT')) {
    io.err(`tributary: ${err.message}`);
    return 2;
  }
  io.err(`tributary: cannot start: ${err instanceof Error ? err.message : String(err)}`);
  return 1;
}

function untilSignalled(running: RunningServer, io: MainIo): Promise<number> {
  return new Promise((resolve) => {
    const reload = () => {
      try {
        running.authenticator.reload();
        io.err('tributary: API keys reloaded');
      } catch (err) {
        io.err(
          `tributary: keeping the current API keys: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    };
    const forced = (signal: NodeJS.Signals) => {
      io.err(`tributary: ${signal} again, exiting without finishing the shutdown`);
      process.exit(1);
    };
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGHUP', reload);
      process.once('SIGTERM', forced);
      process.once('SIGINT', forced);
      io.err(`tributary: ${signal}, shutting down`);
      running.close().then(
        () => resolve(0),
        (err: unknown) => {
          io.err(`tributary: the shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGHUP', reload);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const code = await main(process.argv.slice(2), process.env);
  process.exit(code);
}
