import { TributaryError } from '../errors/errors.js';
import type { Log } from '../ports/log.js';

/** Opens a file log in a directory, as `@tributary/log`'s `openFileLog`. */
export type FileLogOpener = (dir: string) => Promise<Log>;

/** Imports the log package; injectable so tests can simulate it missing. */
export type LogPackageLoader = () => Promise<unknown>;

const LOG_PACKAGE = '@tributary/log';

/**
 * The default loader. The specifier is a variable so core has no static dependency on the log
 * package (an optional peer dependency): it is loaded only for `file:` connections.
 */
export const importLogPackage: LogPackageLoader = () => import(LOG_PACKAGE);

interface LogPackage {
  openFileLog(dir: string): Promise<unknown>;
}

function isLogPackage(mod: unknown): mod is LogPackage {
  return (
    typeof mod === 'object' && mod !== null && 'openFileLog' in mod && typeof mod.openFileLog === 'function'
  );
}

const LOG_METHODS = [
  'createTopic',
  'describeTopic',
  'append',
  'fetch',
  'commitOffsets',
  'fetchOffsets',
  'close',
];

/** True when `value` has the methods of the Log port the bus calls. */
export function isLog(value: unknown): value is Log {
  if (typeof value !== 'object' || value === null) return false;
  return LOG_METHODS.every((m) => typeof Reflect.get(value, m) === 'function');
}

function isModuleNotFound(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = 'code' in err ? err.code : undefined;
  return (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    (/cannot find|failed to (load|resolve)|not found/i.test(err.message) && err.message.includes(LOG_PACKAGE))
  );
}

/** Loads `openFileLog` from the log package; `UNSUPPORTED_CONNECTION` saying how to install it. */
export async function loadFileLogOpener(loader: LogPackageLoader): Promise<FileLogOpener> {
  let mod: unknown;
  try {
    mod = await loader();
  } catch (err) {
    const why = isModuleNotFound(err)
      ? 'is not installed'
      : `could not be loaded (${(err as Error).message})`;
    throw new TributaryError(
      'UNSUPPORTED_CONNECTION',
      `file: connections need the ${LOG_PACKAGE} package, which ${why}: run \`npm install ${LOG_PACKAGE}\`, or connect to "memory:".`,
      { cause: err },
    );
  }
  if (!isLogPackage(mod)) {
    throw new TributaryError(
      'UNSUPPORTED_CONNECTION',
      `The installed ${LOG_PACKAGE} has no openFileLog function; install a version matching @tributary/core.`,
    );
  }
  const pkg = mod;
  return async (dir) => {
    const log = await pkg.openFileLog(dir);
    if (!isLog(log)) {
      throw new TributaryError(
        'UNSUPPORTED_CONNECTION',
        `${LOG_PACKAGE}'s openFileLog did not return a Log.`,
      );
    }
    return log;
  };
}
