// The transactional outbox: rows written with appends, keyed by the event's position.
import type { EventUpcaster, OutboxEntry, OutboxStore } from '@tributary/core';
import { invalidArgument } from '@tributary/core/internal';
import { type EventRow, toRecordedEvent } from './rows.js';
import type { StoreAccess } from './store-access.js';

const DEFAULT_LIMIT = 100;

/**
 * The {@link OutboxStore} of a SQLite event store. An entry's id is its event's position (so ids
 * increase in commit order); publishing deletes the row, so the table holds only what is pending.
 */
export class SqliteOutbox implements OutboxStore {
  constructor(
    private readonly store: StoreAccess,
    private readonly upcaster: EventUpcaster,
  ) {}

  async pending(options: { after?: bigint; limit?: number } = {}): Promise<OutboxEntry[]> {
    const { after = 0n, limit = DEFAULT_LIMIT } = options ?? {};
    if (typeof after !== 'bigint' || after < 0n)
      throw invalidArgument(`Invalid outbox after ${String(after)}: expected a bigint id >= 0n.`);
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1)
      throw invalidArgument(`Invalid outbox limit ${String(limit)}: expected a positive integer.`);
    const from = after > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(after);
    return this.store.read('outbox.pending', (s) =>
      (s.outboxPending.all(from, limit) as [...EventRow, string][]).map((row) => {
        const [position, tenant, stream, version, id, type, data, attributes, recordedAt, topic] = row;
        const event: EventRow = [position, tenant, stream, version, id, type, data, attributes, recordedAt];
        return { id: BigInt(position), topic, recorded: toRecordedEvent(event, this.upcaster) };
      }),
    );
  }

  async markPublished(ids: readonly bigint[]): Promise<void> {
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'bigint'))
      throw invalidArgument('Invalid outbox ids: expected an array of bigint entry ids.');
    // Ids outside the range of positions cannot be entries: ignored, like unknown ones.
    const positions = ids.filter((id) => id >= 0n && id <= BigInt(Number.MAX_SAFE_INTEGER)).map(Number);
    await this.store.write('outbox.markPublished', (s) => {
      for (const position of positions) s.markPublished.run(position);
    });
  }

  async countPending(): Promise<number> {
    return this.store.read('outbox.countPending', (s) => s.outboxCount.get() as number);
  }
}
