import { describe, expect, it, onTestFinished } from 'vitest';
import type { CloudEvent } from '../envelope/types.js';
import { waitFor } from '../testing/wait-for.js';
import type { Consumer } from './consumer.js';
import { errorSink, gate, nOf, orders, type Seen, seenOf, testBus } from './test-support/fixtures.js';
import type { EventContext } from './types.js';

const fast = { fetchMaxWaitMs: 50, autoCommit: { intervalMs: 20 }, from: 'earliest' } as const;

/** Records what every member processed and fails the test if two handlers overlap on a partition. */
function tracker() {
  const seen: Seen[] = [];
  const inFlight = new Map<number, number>();
  const overlaps: string[] = [];
  const handler = (member: string) => async (event: CloudEvent, ctx: EventContext) => {
    const now = (inFlight.get(ctx.partition) ?? 0) + 1;
    inFlight.set(ctx.partition, now);
    if (now > 1) overlaps.push(`${member} on partition ${ctx.partition} at offset ${ctx.offset}`);
    // Yield a few times so a concurrent handler would show up.
    for (let i = 0; i < nOf(event) % 3; i++) await new Promise((resolve) => setImmediate(resolve));
    seen.push(seenOf(member, event, ctx));
    inFlight.set(ctx.partition, (inFlight.get(ctx.partition) ?? 1) - 1);
  };
  return { seen, overlaps, handler };
}

const held = (...consumers: Consumer[]) => consumers.map((c) => c.assignment().length);

describe('a consumer group', () => {
  it('shares partitions between members and rebalances on join and leave without losing, repeating or overlapping work', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders', { partitions: 6 });
    const { seen, overlaps, handler } = tracker();
    // No interval commits: only the commit on revoke keeps work from repeating.
    const options = { group: 'g', topics: ['orders'], ...fast, autoCommit: { intervalMs: 60_000 } };
    const a = bus.consumer(options);
    const b = bus.consumer(options);
    const c = bus.consumer(options);
    await a.run({ eachEvent: handler('a') });
    await b.run({ eachEvent: handler('b') });
    expect(held(a, b)).toEqual([3, 3]);
    const all = [...a.assignment(), ...b.assignment()].map((tp) => tp.partition).sort();
    expect(all).toEqual([0, 1, 2, 3, 4, 5]);

    let published = 0;
    const publishWhile = async (change: Promise<void>) => {
      let done = false;
      void change.then(() => {
        done = true;
      });
      // Keep publishing while the membership change is under way, then a last batch.
      do {
        await bus.publishBatch(orders(20, 50, published));
        published += 20;
        // The memory log appends without I/O: yield so consumers and the rebalance can run.
        await new Promise((resolve) => setImmediate(resolve));
      } while (!done);
      await change;
      await bus.publishBatch(orders(20, 50, published));
      published += 20;
    };

    await publishWhile(Promise.resolve());
    await waitFor(() => seen.length >= published);

    await publishWhile(c.run({ eachEvent: handler('c') }));
    expect(held(a, b, c)).toEqual([2, 2, 2]);
    await waitFor(() => seen.length >= published);
    expect(new Set(seen.filter((s) => s.n >= published - 20).map((s) => s.member)).size).toBeGreaterThan(1);

    await publishWhile(b.stop());
    expect(held(a, b, c)).toEqual([3, 0, 3]);
    await waitFor(() => seen.length >= published);

    expect(overlaps).toEqual([]);
    // Every event exactly once: clean rebalances commit before handing a partition over.
    expect(seen.map((s) => s.n).sort((x, y) => x - y)).toEqual(
      Array.from({ length: published }, (_, i) => i),
    );
    for (let p = 0; p < 6; p++) {
      const offsets = seen.filter((s) => s.partition === p).map((s) => s.offset);
      expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => BigInt(i)));
    }
  });

  it('hands a partition over on stop only after the in-flight handler returned and its offset was committed', async () => {
    const { bus, log } = testBus();
    await bus.createTopic('orders');
    const hold = gate();
    const seen: string[] = [];
    let started = false;
    const a = bus.consumer({ group: 'g', topics: ['orders'], ...fast });
    await a.run({
      eachEvent: async (e) => {
        started = true;
        await hold.promise;
        seen.push(`a:${nOf(e)}`);
      },
    });
    const b = bus.consumer({ group: 'g', topics: ['orders'], ...fast });
    await b.run({ eachEvent: (e) => void seen.push(`b:${nOf(e)}`) });
    expect(held(a, b)).toEqual([1, 0]);
    await bus.publishBatch(orders(2));
    await waitFor(() => started);
    const stopping = a.stop();
    // While a's handler runs, nobody else may hold the partition.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(b.assignment()).toEqual([]);
    hold.open();
    await stopping;
    await waitFor(() => b.assignment().length === 1);
    expect((await log.fetchOffsets('g'))[0]?.offset).toBe(1n);
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual(['a:0', 'b:1']);
  });

  it('evicts a member whose handler outlives maxPollIntervalMs, reassigns its partitions, fences its late commit and lets it rejoin', async () => {
    const { bus, log } = testBus();
    await bus.createTopic('orders', { partitions: 2 });
    const hold = gate();
    const aErrors = errorSink();
    const seen: Seen[] = [];
    let lateCommit: Promise<unknown> | undefined;
    let hung = false;
    const options = { group: 'g', topics: ['orders'], ...fast, maxPollIntervalMs: 80 };
    const a = bus.consumer({ ...options, onError: aErrors.onError });
    const b = bus.consumer(options);
    await a.run({
      eachEvent: async (e, ctx) => {
        if (!hung) {
          hung = true;
          await hold.promise;
          lateCommit = ctx.commit().then(
            () => 'committed',
            (err: unknown) => err,
          );
        }
        seen.push(seenOf('a', e, ctx));
      },
    });
    await b.run({ eachEvent: (e, ctx) => void seen.push(seenOf('b', e, ctx)) });
    const [mine] = a.assignment();
    if (mine === undefined) throw new Error('a holds no partition');
    const firstMember = a.memberId;
    onTestFinished(() => hold.open());

    await bus.publish(orders(1)[0] as CloudEvent, { partition: mine.partition });
    await waitFor(() => hung);
    // a is stuck: after maxPollIntervalMs it is evicted and b takes both partitions.
    await waitFor(() => b.assignment().length === 2, 2000);
    expect(a.assignment()).toEqual([]);
    // b redelivers the record a never finished (at-least-once) and commits it.
    await waitFor(() => seen.some((s) => s.member === 'b' && s.n === 0));
    await waitFor(async () => (await log.fetchOffsets('g', 'orders')).some((o) => o.offset === 1n));

    hold.open();
    await waitFor(() => lateCommit !== undefined);
    expect(await lateCommit).toMatchObject({ name: 'GroupError', code: 'NOT_ASSIGNED' });
    // a rejoins under a new member id and gets a partition back.
    await waitFor(() => a.assignment().length === 1 && b.assignment().length === 1);
    expect(a.memberId).not.toBe(firstMember);
    expect(aErrors.errors.map((e) => e.ctx.phase)).toContain('rebalance');
    expect(aErrors.errors.find((e) => e.ctx.phase === 'rebalance')?.error).toMatchObject({
      message: expect.stringContaining('longer than maxPollIntervalMs (80 ms)'),
    });
    // a's stale offsets never replaced b's.
    const committed = await log.fetchOffsets('g', 'orders');
    expect(committed.find((o) => o.partition === mine.partition)?.offset).toBe(1n);

    await bus.publishBatch(orders(10, 10, 100));
    await waitFor(() => seen.filter((s) => s.n >= 100).length === 10);
  });

  it('keeps per-partition order across members while partitions move', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders', { partitions: 4 });
    const { seen, overlaps, handler } = tracker();
    const members = Array.from({ length: 3 }, () =>
      bus.consumer({ group: 'g', topics: ['orders'], ...fast }),
    );
    const [first, second, third] = members as [Consumer, Consumer, Consumer];
    await first.run({ eachEvent: handler('1') });
    const publishing = (async () => {
      for (let i = 0; i < 10; i++) {
        await bus.publishBatch(orders(30, 12, i * 30));
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await second.run({ eachEvent: handler('2') });
    await third.run({ eachEvent: handler('3') });
    await first.stop();
    await publishing;
    await waitFor(() => seen.length === 300);
    expect(overlaps).toEqual([]);
    for (let p = 0; p < 4; p++) {
      const ns = seen.filter((s) => s.partition === p).map((s) => s.n);
      expect(ns).toEqual([...ns].sort((x, y) => x - y));
    }
  });

  it('rejects a member asking for a different assignor than the group uses', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders');
    await bus.consumer({ group: 'g', topics: ['orders'], assignor: 'range' }).run({ eachEvent: () => {} });
    await expect(
      bus.consumer({ group: 'g', topics: ['orders'], assignor: 'round-robin' }).run({ eachEvent: () => {} }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/uses the "range" assignor; this consumer asked for "round-robin"/),
    });
  });

  it('assigns across members subscribed to different topics', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders', { partitions: 2 });
    await bus.createTopic('payments', { partitions: 2 });
    const a = bus.consumer({ group: 'g', topics: ['orders'] });
    const b = bus.consumer({ group: 'g', topics: ['orders', 'payments'] });
    await a.run({ eachEvent: () => {} });
    await b.run({ eachEvent: () => {} });
    expect(a.assignment().every((tp) => tp.topic === 'orders')).toBe(true);
    expect(held(a, b)).toEqual([2, 2]);
    expect(bus.describeGroup('g')?.members).toHaveLength(2);
  });

  it('stops every consumer and leaves the group on bus.close()', async () => {
    const { bus, log } = testBus();
    await bus.createTopic('orders');
    await bus.publishBatch(orders(3));
    const seen: number[] = [];
    await bus.consumer({ group: 'g', topics: ['orders'], ...fast, autoCommit: { intervalMs: 60_000 } }).run({
      eachEvent: (e) => void seen.push(nOf(e)),
    });
    await waitFor(() => seen.length === 3);
    const commits = log.commitOffsets.bind(log);
    const committed: bigint[] = [];
    log.commitOffsets = async (group, offsets) => {
      committed.push(...offsets.map((o) => o.offset));
      return commits(group, offsets);
    };
    await bus.close();
    expect(bus.describeGroup('g')?.members).toEqual([]);
    // No interval commit came due: the one commit is the final one, on stop.
    expect(committed).toEqual([3n]);
    await expect(bus.log.listTopics()).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
