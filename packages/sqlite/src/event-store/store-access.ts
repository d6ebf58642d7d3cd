// How the checkpoint and outbox views reach the store's connection: reads that see committed data
// only, and writes through the group-commit queue.
import type { ReadStatements } from './read-statements.js';
import type { StoreReads } from './reads.js';
import type { WriteStatements } from './write-statements.js';

export interface StoreAccess {
  /** Runs `fn` on a connection that sees committed data only; rejects `CLOSED` after close. */
  read<T>(operation: string, fn: (statements: ReadStatements, reads: StoreReads) => T): Promise<T>;
  /** Queues `fn` for the next group commit; resolves once committed. */
  write<T>(operation: string, fn: (statements: WriteStatements) => T): Promise<T>;
}
