import { type Bus, connect } from '@tributary/core';
import { failure } from '../../exit-codes.js';

/**
 * Opens the bus over a data directory (created when missing). A directory held by another process
 * (usually `trib serve`) fails with advice to go through the server.
 */
export async function openLocalBus(dir: string): Promise<Bus> {
  try {
    // A CLI command must not deliver due scheduled events as a side effect of opening the log.
    return await connect(`file:${dir}`, { resumeTimers: false });
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'DATA_DIR_LOCKED') {
      throw failure(
        `${err.message}\nIf \`trib serve\` is running on this directory, go through the server instead: ` +
          'pass --url http://127.0.0.1:8080 (or set TRIB_URL) with the address it printed.',
        err,
      );
    }
    throw err;
  }
}
