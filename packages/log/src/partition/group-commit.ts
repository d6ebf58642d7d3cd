/** An item waiting for the next group write, and how to acknowledge it. */
export interface Queued<I, R> {
  readonly item: I;
  /** Called by the writer once the item is durable per policy. */
  settle(result: R): void;
}

/**
 * Group commit: items queued in the same tick — and any queued while a write is in flight — are
 * handed to the writer together (one write, one fsync). Groups are written strictly one after
 * another, in queue order. A failed group rejects only its items that were not settled yet.
 */
export class GroupCommit<I, R> {
  private queue: Queued<I, R>[] = [];
  private rejecters: ((err: unknown) => void)[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly write: (group: Queued<I, R>[]) => Promise<void>) {}

  /** True while a group is being written. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  enqueue(item: I): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, settle: resolve });
      this.rejecters.push(reject);
      // setImmediate, not a microtask: everything issued in this tick joins the same group.
      if (!this.running) this.running = new Promise((done) => setImmediate(() => void this.run().then(done)));
    });
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue;
      const rejecters = this.rejecters;
      this.queue = [];
      this.rejecters = [];
      try {
        await this.write(group);
      } catch (err) {
        for (const reject of rejecters) reject(err); // no effect on the ones already settled
      }
    }
    this.running = undefined;
  }

  /** Resolves when everything queued so far has been written (or has failed). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }
}
