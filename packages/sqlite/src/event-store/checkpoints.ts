// Checkpoints (compare-and-set) and leases, each one SQL statement in the group commit.
import type { CheckpointStore, LeaseGrant } from '@tributary/core';
import { checkCheckpointName, invalidArgument } from '@tributary/core/internal';
import type { StoreAccess } from './store-access.js';

const MAX_INT64 = 2n ** 63n - 1n;

/** The {@link CheckpointStore} of a SQLite event store (tables `tributary_es_checkpoints`, `_leases`). */
export class SqliteCheckpoints implements CheckpointStore {
  constructor(private readonly store: StoreAccess) {}

  async get(name: string): Promise<bigint | undefined> {
    checkCheckpointName(name);
    return this.store.read('checkpoints.get', (s) => s.checkpoint.get(name) as bigint | undefined);
  }

  async compareAndSet(name: string, expected: bigint | undefined, next: bigint): Promise<boolean> {
    checkCheckpointName(name);
    if (expected !== undefined) checkPosition('expected', expected);
    checkPosition('next', next);
    return this.store.write('checkpoints.compareAndSet', (s) =>
      expected === undefined
        ? s.createCheckpoint.run(name, next).changes === 1
        : s.moveCheckpoint.run(next, name, expected).changes === 1,
    );
  }

  async delete(name: string): Promise<void> {
    checkCheckpointName(name);
    await this.store.write('checkpoints.delete', (s) => s.deleteCheckpoint.run(name));
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<LeaseGrant | undefined> {
    checkCheckpointName(name);
    checkOwner(owner);
    if (typeof ttlMs !== 'number' || !Number.isSafeInteger(ttlMs) || ttlMs < 1)
      throw invalidArgument(
        `Invalid lease ttlMs ${String(ttlMs)}: expected a positive integer of milliseconds.`,
      );
    return this.store.write('checkpoints.acquireLease', (s) => {
      // The clock is read inside the transaction: expiry is judged at the moment of writing.
      const now = Date.now();
      const granted = s.acquireLease.get({ name, owner, expiresAt: now + ttlMs, now }) as
        | { expires_at: number }
        | undefined;
      return granted === undefined ? undefined : { name, owner, expiresAt: new Date(granted.expires_at) };
    });
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    checkCheckpointName(name);
    checkOwner(owner);
    await this.store.write('checkpoints.releaseLease', (s) => s.releaseLease.run(name, owner));
  }
}

function checkPosition(what: string, value: unknown): asserts value is bigint {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_INT64)
    throw invalidArgument(`Invalid checkpoint ${what} ${String(value)}: expected a bigint position >= 0n.`);
}

function checkOwner(owner: unknown): asserts owner is string {
  if (typeof owner !== 'string' || owner.length === 0)
    throw invalidArgument(`Invalid lease owner ${JSON.stringify(owner)}: expected a non-empty string.`);
}
