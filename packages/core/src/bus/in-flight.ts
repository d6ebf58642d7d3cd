/**
 * Offsets of one partition's records being handled concurrently (key-level parallelism). Records
 * start in offset order, so the array stays sorted; the lowest unfinished offset is as far as the
 * partition may be committed.
 */
export class InFlightOffsets {
  private readonly offsets: bigint[] = [];

  get size(): number {
    return this.offsets.length;
  }

  add(offset: bigint): void {
    this.offsets.push(offset);
  }

  remove(offset: bigint): void {
    const i = this.offsets.indexOf(offset);
    if (i >= 0) this.offsets.splice(i, 1);
  }

  lowest(): bigint | undefined {
    return this.offsets[0];
  }
}

/** Bounds the events in flight across all partitions of a member: fetching waits when it is full. */
export class InFlightLimit {
  private count = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly max: number) {}

  /** Takes a slot, waiting for one to free up when all `max` are taken. */
  async acquire(): Promise<void> {
    while (this.count >= this.max) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.count++;
  }

  release(): void {
    this.count--;
    this.waiters.shift()?.();
  }
}
