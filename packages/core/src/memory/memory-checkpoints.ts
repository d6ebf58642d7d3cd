// Checkpoints and leases of the in-memory event store.

import { invalidArgument } from '../errors/errors.js';
import { checkCheckpointName } from '../event-store/checks.js';
import type { CheckpointStore, LeaseGrant } from '../ports/event-store.js';

/** A {@link CheckpointStore} held in memory; leases use wall-clock time. */
export class MemoryCheckpoints implements CheckpointStore {
  private readonly positions = new Map<string, bigint>();
  private readonly leases = new Map<string, { owner: string; expiresAt: number }>();

  constructor(private readonly checkOpen: (operation: string) => void) {}

  async get(name: string): Promise<bigint | undefined> {
    this.checkOpen('checkpoints.get');
    checkCheckpointName(name);
    return this.positions.get(name);
  }

  async compareAndSet(name: string, expected: bigint | undefined, next: bigint): Promise<boolean> {
    this.checkOpen('checkpoints.compareAndSet');
    checkCheckpointName(name);
    if (expected !== undefined && (typeof expected !== 'bigint' || expected < 0n))
      throw invalidArgument(
        `Invalid expected checkpoint ${String(expected)}: expected a bigint >= 0n, or undefined for none.`,
      );
    if (typeof next !== 'bigint' || next < 0n)
      throw invalidArgument(`Invalid checkpoint ${String(next)}: expected a bigint position >= 0n.`);
    if (this.positions.get(name) !== expected) return false;
    this.positions.set(name, next);
    return true;
  }

  async delete(name: string): Promise<void> {
    this.checkOpen('checkpoints.delete');
    checkCheckpointName(name);
    this.positions.delete(name);
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<LeaseGrant | undefined> {
    this.checkOpen('checkpoints.acquireLease');
    checkCheckpointName(name);
    checkOwner(owner);
    if (typeof ttlMs !== 'number' || !Number.isSafeInteger(ttlMs) || ttlMs < 1)
      throw invalidArgument(
        `Invalid lease ttlMs ${String(ttlMs)}: expected a positive integer of milliseconds.`,
      );
    const now = Date.now();
    const held = this.leases.get(name);
    if (held !== undefined && held.owner !== owner && held.expiresAt > now) return undefined;
    const expiresAt = now + ttlMs;
    this.leases.set(name, { owner, expiresAt });
    return { name, owner, expiresAt: new Date(expiresAt) };
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    this.checkOpen('checkpoints.releaseLease');
    checkCheckpointName(name);
    checkOwner(owner);
    if (this.leases.get(name)?.owner === owner) this.leases.delete(name);
  }

  clear(): void {
    this.positions.clear();
    this.leases.clear();
  }
}

function checkOwner(owner: unknown): void {
  if (typeof owner !== 'string' || owner.length === 0)
    throw invalidArgument(`Invalid lease owner ${JSON.stringify(owner)}: expected a non-empty string.`);
}
