import type { CommittedOffset } from '../ports/log.js';

/** Committed offsets per group, keyed by topic and partition. Inputs are validated by the caller. */
export class MemoryGroupOffsets {
  private readonly groups = new Map<string, Map<string, CommittedOffset>>();

  /** Stores all entries; the caller has validated every one first, so this cannot half-apply. */
  commit(group: string, offsets: readonly CommittedOffset[]): void {
    if (offsets.length === 0) return;
    let stored = this.groups.get(group);
    if (stored === undefined) {
      stored = new Map();
      this.groups.set(group, stored);
    }
    for (const { topic, partition, offset, metadata } of offsets) {
      const entry: CommittedOffset =
        metadata === undefined ? { topic, partition, offset } : { topic, partition, offset, metadata };
      stored.set(`${topic}\u0000${partition}`, Object.freeze(entry));
    }
  }

  /** A group's offsets sorted by topic then partition, optionally for one topic. */
  fetch(group: string, topic?: string): CommittedOffset[] {
    const entries = [...(this.groups.get(group)?.values() ?? [])].filter(
      (e) => topic === undefined || e.topic === topic,
    );
    return entries.sort((a, b) =>
      a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition,
    );
  }

  names(): string[] {
    return [...this.groups.keys()].sort();
  }

  delete(group: string): void {
    this.groups.delete(group);
  }

  /** Forgets every group's offsets for a deleted topic (as Kafka does); empty groups disappear. */
  forgetTopic(topic: string): void {
    for (const [group, stored] of this.groups) {
      for (const [key, entry] of stored) if (entry.topic === topic) stored.delete(key);
      if (stored.size === 0) this.groups.delete(group);
    }
  }
}
