/** Stream names and the choice of stream for each append, identical for every system. */

/** The name of stream `k` in the `order` category (`order-42`). */
export function streamName(prefix: string, k: number): string {
  return `${prefix}-${k}`;
}

/**
 * Picks streams uniformly at random out of `count` with a seeded xorshift32, so every system
 * appends to the same sequence of streams.
 */
export class RandomStreams {
  private state: number;

  constructor(
    private readonly count: number,
    private readonly prefix = 'order',
    seed = 0x2545f491,
  ) {
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError(`stream count must be >= 1, got ${count}`);
    this.state = seed >>> 0 || 1;
  }

  next(): string {
    let x = this.state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.state = x;
    return streamName(this.prefix, x % this.count);
  }
}

/** One writer's streams and the version of each, as an aggregate repository would know them. */
export interface Writer {
  readonly id: number;
  readonly streams: readonly string[];
  /** The current version of each stream (`0n`: no events yet). */
  readonly versions: bigint[];
  /** Index of the stream the next append goes to (round robin). */
  turn: number;
}

/**
 * Writers that each own their streams, so an exact expected version never conflicts. Calls take
 * a free writer, append to its next stream and give it back; with as many writers as calls in
 * flight, a free one is always there.
 */
export class WriterPool {
  private readonly free: Writer[] = [];

  constructor(writers: number, streamsPerWriter: number, prefix = 'writer') {
    for (let w = writers - 1; w >= 0; w--) {
      const streams = Array.from({ length: streamsPerWriter }, (_, s) => `${prefix}${w}-${s}`);
      this.free.push({ id: w, streams, versions: streams.map(() => 0n), turn: 0 });
    }
  }

  /** Takes a free writer; throws when more calls are in flight than there are writers. */
  take(): Writer {
    const writer = this.free.pop();
    if (!writer) throw new Error('more concurrent appends than writers');
    return writer;
  }

  give(writer: Writer): void {
    this.free.push(writer);
  }

  /**
   * Runs `append(stream, expectedVersion)` on a free writer's next stream and records the
   * version it returns.
   */
  async append(append: (stream: string, expectedVersion: bigint) => Promise<bigint>): Promise<void> {
    const writer = this.take();
    try {
      const i = writer.turn;
      const stream = writer.streams[i];
      const version = writer.versions[i];
      if (stream === undefined || version === undefined)
        throw new Error(`writer ${writer.id} has no stream ${i}`);
      writer.versions[i] = await append(stream, version);
      writer.turn = (i + 1) % writer.streams.length;
    } finally {
      this.give(writer);
    }
  }
}
