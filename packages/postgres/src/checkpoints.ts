// Checkpoints (compare-and-set in one statement) and leases (acquire in one statement).
import type { CheckpointStore, LeaseGrant } from '@tributary/core';
import { checkCheckpointName, invalidArgument } from '@tributary/core/internal';
import type { Database } from './database.js';

function checkPosition(what: string, value: unknown): asserts value is bigint {
  if (typeof value !== 'bigint' || value < 0n)
    throw invalidArgument(`Invalid ${what} ${String(value)}: expected a bigint position >= 0n.`);
}

export class PostgresCheckpoints implements CheckpointStore {
  constructor(private readonly db: Database) {}

  async get(name: string): Promise<bigint | undefined> {
    checkCheckpointName(name);
    const rows = await this.db.query<{ position: string }>(`read checkpoint "${name}"`, {
      name: this.db.statementName('checkpoint_get'),
      text: `SELECT position FROM ${this.db.tables.checkpoints} WHERE name = $1`,
      values: [name],
    });
    const row = rows[0];
    return row === undefined ? undefined : BigInt(row.position);
  }

  async compareAndSet(name: string, expected: bigint | undefined, next: bigint): Promise<boolean> {
    checkCheckpointName(name);
    if (expected !== undefined) checkPosition('expected checkpoint', expected);
    checkPosition('checkpoint', next);
    const t = this.db.tables;
    const doing = `store checkpoint "${name}"`;
    const rows =
      expected === undefined
        ? await this.db.query(doing, {
            name: this.db.statementName('checkpoint_create'),
            text: `INSERT INTO ${t.checkpoints} (name, position) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
            values: [name, next.toString()],
          })
        : await this.db.query(doing, {
            name: this.db.statementName('checkpoint_cas'),
            text: `UPDATE ${t.checkpoints} SET position = $3 WHERE name = $1 AND position = $2 RETURNING 1`,
            values: [name, expected.toString(), next.toString()],
          });
    return rows.length === 1;
  }

  async delete(name: string): Promise<void> {
    checkCheckpointName(name);
    await this.db.query(`delete checkpoint "${name}"`, {
      text: `DELETE FROM ${this.db.tables.checkpoints} WHERE name = $1`,
      values: [name],
    });
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<LeaseGrant | undefined> {
    checkCheckpointName(name);
    checkOwner(owner);
    if (typeof ttlMs !== 'number' || !Number.isSafeInteger(ttlMs) || ttlMs < 1)
      throw invalidArgument(
        `Invalid lease ttlMs ${String(ttlMs)}: expected a positive integer of milliseconds.`,
      );
    // The server's clock decides expiry, so processes with skewed clocks still agree.
    const rows = await this.db.query<{ expires_at: Date }>(`acquire lease "${name}"`, {
      name: this.db.statementName('lease_acquire'),
      text: `INSERT INTO ${this.db.tables.leases} AS l (name, owner, expires_at)
             VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
             ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
              WHERE l.expires_at <= clock_timestamp() OR l.owner = EXCLUDED.owner
             RETURNING expires_at`,
      values: [name, owner, ttlMs],
    });
    const row = rows[0];
    return row === undefined ? undefined : { name, owner, expiresAt: row.expires_at };
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    checkCheckpointName(name);
    checkOwner(owner);
    await this.db.query(`release lease "${name}"`, {
      text: `DELETE FROM ${this.db.tables.leases} WHERE name = $1 AND owner = $2`,
      values: [name, owner],
    });
  }
}

function checkOwner(owner: unknown): asserts owner is string {
  if (typeof owner !== 'string' || owner.length === 0)
    throw invalidArgument(`Invalid lease owner ${JSON.stringify(owner)}: expected a non-empty string.`);
}
