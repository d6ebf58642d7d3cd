// Checks of the PostgreSQL adapter's own options, on top of the shared ones in @tributary/core/internal.
import { invalidArgument, resolveEventStoreOptions } from '@tributary/core/internal';
import type { PostgresEventStoreOptions } from './options.js';

/** Checks the options object and the options every adapter takes (upcasters, inline projections, outbox topic). */
export function checkStoreOptions(options: PostgresEventStoreOptions): void {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('Invalid options: expected { connectionString } or { pool }.');
  resolveEventStoreOptions(options);
}
