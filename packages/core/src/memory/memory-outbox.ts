// The outbox of the in-memory event store: rows written by appends, read by relays.
import { invalidArgument } from '../errors/errors.js';
import type { EventUpcaster, OutboxEntry, OutboxStore } from '../ports/event-store.js';
import { toRecorded } from './memory-event-reads.js';
import type { MemoryEventState } from './memory-event-state.js';

/** The default page size of {@link OutboxStore.pending}. */
const DEFAULT_PENDING_LIMIT = 100;

/** An {@link OutboxStore} over the store's state; it sees committed rows only. */
export class MemoryOutbox implements OutboxStore {
  constructor(
    private readonly state: MemoryEventState,
    private readonly upcaster: EventUpcaster,
    private readonly checkOpen: (operation: string) => void,
  ) {}

  async pending(options: { after?: bigint; limit?: number } = {}): Promise<OutboxEntry[]> {
    this.checkOpen('outbox.pending');
    const { after = 0n, limit = DEFAULT_PENDING_LIMIT } = options ?? {};
    if (typeof after !== 'bigint' || after < 0n)
      throw invalidArgument(`Invalid outbox after ${String(after)}: expected a bigint id >= 0n.`);
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1)
      throw invalidArgument(`Invalid outbox limit ${String(limit)}: expected a positive integer.`);
    const out: OutboxEntry[] = [];
    for (const row of this.state.outbox.values()) {
      if (row.id > this.state.committedOutboxId || out.length >= limit) break;
      if (row.id > after)
        out.push({ id: row.id, topic: row.topic, recorded: toRecorded(row.event, this.upcaster) });
    }
    return out;
  }

  async markPublished(ids: readonly bigint[]): Promise<void> {
    this.checkOpen('outbox.markPublished');
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'bigint'))
      throw invalidArgument('Invalid outbox ids: expected an array of bigint entry ids.');
    for (const id of ids) if (id <= this.state.committedOutboxId) this.state.outbox.delete(id);
  }

  async countPending(): Promise<number> {
    this.checkOpen('outbox.countPending');
    let count = 0;
    for (const row of this.state.outbox.values()) {
      if (row.id > this.state.committedOutboxId) break;
      count++;
    }
    return count;
  }
}
