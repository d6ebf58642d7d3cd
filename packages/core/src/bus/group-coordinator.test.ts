import { describe, expect, it, vi } from 'vitest';
import type { GroupError } from '../errors/errors.js';
import { createMemoryLog } from '../memory/memory-log.js';
import { waitFor } from '../testing/wait-for.js';
import { rangeAssignor, stickyAssignor } from './assignors/index.js';
import type { Assignor, TopicPartition } from './assignors/types.js';
import { GroupCoordinator } from './group-coordinator.js';
import type { BusyHandler, GroupMember, OwnedPartition } from './group-member.js';

/** A scripted member: records callbacks; releases revoked partitions only when told. */
function fakeMember(memberId: string, topics = ['orders'], maxPollIntervalMs = 60_000) {
  const owned = new Map<string, OwnedPartition>();
  const revoked: TopicPartition[] = [];
  const evictions: GroupError[] = [];
  let busy: BusyHandler | undefined;
  const member: GroupMember = {
    memberId,
    topics,
    maxPollIntervalMs,
    onAssign: (list) => {
      for (const tp of list) owned.set(`${tp.topic}:${tp.partition}`, tp);
    },
    onRevoke: (list) => revoked.push(...list),
    onEvict: (error) => evictions.push(error),
    onError: () => {},
    busySince: () => busy,
  };
  return {
    member,
    owned,
    revoked,
    evictions,
    setBusy: (b: BusyHandler | undefined) => {
      busy = b;
    },
    partitions: () => [...owned.values()].map((tp) => tp.partition).sort(),
  };
}

async function setup(partitions = 4) {
  const log = createMemoryLog();
  await log.createTopic('orders', { partitions });
  const coordinator = new GroupCoordinator(log);
  const counts = new Map([['orders', partitions]]);
  return { log, coordinator, counts };
}

describe('the group coordinator', () => {
  it('gives a lone member every partition, tagged with the generation', async () => {
    const { coordinator, counts } = await setup();
    const a = fakeMember('a');
    await coordinator.join('g', a.member, stickyAssignor, counts);
    expect(a.partitions()).toEqual([0, 1, 2, 3]);
    expect([...a.owned.values()].every((tp) => tp.epoch === 1)).toBe(true);
    expect(coordinator.describeGroup('g')?.generation).toBe(1);
  });

  it('moves a partition to a joining member only after its owner released it', async () => {
    const { coordinator, counts } = await setup();
    const a = fakeMember('a');
    const b = fakeMember('b');
    await coordinator.join('g', a.member, stickyAssignor, counts);
    let joined = false;
    const joining = coordinator.join('g', b.member, stickyAssignor, counts).then(() => {
      joined = true;
    });
    await waitFor(() => a.revoked.length === 2);
    expect(b.owned.size).toBe(0);
    expect(joined).toBe(false);
    for (const tp of a.revoked) a.owned.delete(`${tp.topic}:${tp.partition}`);
    coordinator.release('g', 'a', a.revoked.slice(0, 1));
    expect(b.owned.size).toBe(1);
    expect(joined).toBe(false);
    coordinator.release('g', 'a', a.revoked.slice(1));
    await joining;
    expect(b.partitions()).toEqual(a.revoked.map((tp) => tp.partition).sort());
    expect([...b.owned.values()].every((tp) => tp.epoch === 2)).toBe(true);
  });

  it('commits for the partition owner and rejects commits by others, writing nothing', async () => {
    const { coordinator, counts, log } = await setup(2);
    const a = fakeMember('a');
    await coordinator.join('g', a.member, rangeAssignor, counts);
    const commit = vi.spyOn(log, 'commitOffsets');
    await coordinator.commit('g', [{ memberId: 'a', epoch: 1, topic: 'orders', partition: 0, offset: 5n }]);
    expect(await log.fetchOffsets('g')).toEqual([{ topic: 'orders', partition: 0, offset: 5n }]);

    await expect(
      coordinator.commit('g', [{ memberId: 'ghost', epoch: 1, topic: 'orders', partition: 0, offset: 9n }]),
    ).rejects.toMatchObject({
      code: 'NOT_ASSIGNED',
      message: expect.stringContaining('no longer in consumer group'),
    });
    await expect(
      coordinator.commit('g', [{ memberId: 'a', epoch: 0, topic: 'orders', partition: 1, offset: 9n }]),
    ).rejects.toMatchObject({
      code: 'REBALANCE_IN_PROGRESS',
      message: expect.stringContaining('generation 0'),
    });
    // All or none: one bad entry rejects the whole commit.
    await expect(
      coordinator.commit('g', [
        { memberId: 'a', epoch: 1, topic: 'orders', partition: 1, offset: 9n },
        { memberId: 'a', epoch: 1, topic: 'orders', partition: 7, offset: 9n },
      ]),
    ).rejects.toMatchObject({ code: 'NOT_ASSIGNED', message: expect.stringContaining('orders:7') });
    expect(commit).toHaveBeenCalledTimes(1);
    expect(await log.fetchOffsets('g')).toEqual([{ topic: 'orders', partition: 0, offset: 5n }]);
  });

  it('rejects a commit for a partition that moved to another member', async () => {
    const { coordinator, counts } = await setup(2);
    const a = fakeMember('a');
    const b = fakeMember('b');
    await coordinator.join('g', a.member, rangeAssignor, counts);
    const joining = coordinator.join('g', b.member, rangeAssignor, counts);
    await waitFor(() => a.revoked.length === 1);
    coordinator.release('g', 'a', a.revoked);
    await joining;
    const moved = a.revoked[0] as TopicPartition;
    await expect(
      coordinator.commit('g', [{ memberId: 'a', epoch: 1, ...moved, offset: 3n }]),
    ).rejects.toMatchObject({
      code: 'NOT_ASSIGNED',
      message: expect.stringContaining('not assigned to member a'),
    });
  });

  it('evicts a member whose handler runs past maxPollIntervalMs and reassigns its partitions at once', async () => {
    const { coordinator, counts } = await setup(2);
    const a = fakeMember('a', ['orders'], 30);
    const b = fakeMember('b');
    await coordinator.join('g', a.member, rangeAssignor, counts);
    const joining = coordinator.join('g', b.member, rangeAssignor, counts);
    await waitFor(() => a.revoked.length === 1);
    coordinator.release('g', 'a', a.revoked);
    await joining;
    a.setBusy({ since: Date.now(), topic: 'orders', partition: 0 });
    await waitFor(() => a.evictions.length === 1);
    expect(a.evictions[0]).toMatchObject({
      code: 'NOT_ASSIGNED',
      message: expect.stringContaining('orders:0'),
    });
    expect(b.partitions()).toEqual([0, 1]);
    expect(coordinator.describeGroup('g')?.members.map((m) => m.memberId)).toEqual(['b']);
    await expect(
      coordinator.commit('g', [{ memberId: 'a', epoch: 1, topic: 'orders', partition: 0, offset: 1n }]),
    ).rejects.toMatchObject({ code: 'NOT_ASSIGNED' });
    coordinator.close();
  });

  it('rejects a join whose custom assignor gives a partition twice, leaving the group unchanged', async () => {
    const { coordinator, counts } = await setup(2);
    const broken: Assignor = {
      name: 'broken',
      assign: (members) => new Map(members.map((m) => [m.memberId, [{ topic: 'orders', partition: 0 }]])),
    };
    const a = fakeMember('a');
    await coordinator.join('g', a.member, broken, counts);
    await expect(coordinator.join('g', fakeMember('b').member, broken, counts)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('orders:0 given to more than one member'),
    });
    expect(coordinator.describeGroup('g')?.members.map((m) => m.memberId)).toEqual(['a']);
    await expect(
      coordinator.join(
        'g',
        fakeMember('c').member,
        { name: 'broken', assign: () => new Map([['zz', []]]) },
        counts,
      ),
    ).rejects.toMatchObject({ message: expect.stringContaining('unknown member "zz"') });
  });

  it('rejects a second member with the same id', async () => {
    const { coordinator, counts } = await setup(1);
    await coordinator.join('g', fakeMember('a').member, stickyAssignor, counts);
    await expect(coordinator.join('g', fakeMember('a').member, stickyAssignor, counts)).rejects.toMatchObject(
      {
        code: 'INVALID_ARGUMENT',
      },
    );
  });
});
