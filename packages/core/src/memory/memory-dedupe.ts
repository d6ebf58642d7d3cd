import { TributaryError } from '../errors/errors.js';
import type { DedupeOptions, DedupeStore } from '../ports/dedupe.js';
import { checkDedupeKey, checkNow, resolveDedupeOptions } from '../ports/dedupe-checks.js';

/**
 * Creates a {@link DedupeStore} held in memory: for tests and `memory:` connections. Nothing
 * survives the process. Bad options throw `INVALID_ARGUMENT` here, synchronously.
 */
export function createMemoryDedupeStore(options?: DedupeOptions): DedupeStore {
  return new MemoryDedupeStore(resolveDedupeOptions(options));
}

class MemoryDedupeStore implements DedupeStore {
  /** group → id → handledAt. A Map keeps first-mark order, the tie-break among equal times. */
  private readonly groups = new Map<string, Map<string, number>>();
  private closed = false;

  constructor(private readonly options: Required<DedupeOptions>) {}

  async has(group: string, id: string): Promise<boolean> {
    this.checkOpen('has');
    checkDedupeKey(group, id);
    const handledAt = this.groups.get(group)?.get(id);
    return handledAt !== undefined && Date.now() - handledAt <= this.options.ttlMs;
  }

  async mark(group: string, id: string, now?: number): Promise<void> {
    this.checkOpen('mark');
    checkDedupeKey(group, id);
    const at = checkNow(now, 'mark');
    let ids = this.groups.get(group);
    if (ids === undefined) {
      ids = new Map();
      this.groups.set(group, ids);
    }
    const previous = ids.get(id);
    if (previous === undefined || at > previous) ids.set(id, at);
  }

  async purge(now?: number): Promise<number> {
    this.checkOpen('purge');
    const at = checkNow(now, 'purge');
    let deleted = 0;
    for (const [group, ids] of this.groups) {
      for (const [id, handledAt] of ids) {
        if (at - handledAt > this.options.ttlMs) {
          ids.delete(id);
          deleted++;
        }
      }
      const excess = ids.size - this.options.maxEntriesPerGroup;
      if (excess > 0) {
        // Array.prototype.sort is stable: equal times keep first-mark order.
        const oldest = [...ids].sort((a, b) => a[1] - b[1]).slice(0, excess);
        for (const [id] of oldest) ids.delete(id);
        deleted += excess;
      }
      if (ids.size === 0) this.groups.delete(group);
    }
    return deleted;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.groups.clear();
  }

  private checkOpen(operation: string): void {
    if (this.closed)
      throw new TributaryError(
        'CLOSED',
        `The dedupe store is closed: ${operation} cannot run. Create a new store.`,
      );
  }
}
