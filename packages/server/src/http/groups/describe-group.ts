/**
 * A consumer group as `trib groups describe` shows it: members, and per partition the committed
 * offset, the log end and the lag between them, with the member holding it.
 */
import { type Bus, isTributaryError } from '@tributary/core';
import type { MemberRegistry } from '../members/member-registry.js';

export interface GroupMemberView {
  readonly memberId: string;
  readonly clientId: string;
  readonly host: string;
  readonly topics: readonly string[];
  readonly partitions: readonly { topic: string; partition: number }[];
}

export interface GroupPartitionView {
  readonly topic: string;
  readonly partition: number;
  /** The committed offset (next to consume); null when the group never committed here. */
  readonly currentOffset: bigint | null;
  readonly logEndOffset: bigint;
  /** `logEndOffset - currentOffset`; null without a committed offset. */
  readonly lag: bigint | null;
  readonly memberId: string | null;
  readonly host: string | null;
  readonly clientId: string | null;
}

export interface GroupView {
  readonly group: string;
  /** `Empty`: no live members; `Stable`: every member holds its assignment; `Rebalancing` otherwise. */
  readonly state: 'Empty' | 'Stable' | 'Rebalancing';
  readonly generation: number | null;
  readonly assignor: string | null;
  readonly members: readonly GroupMemberView[];
  readonly partitions: readonly GroupPartitionView[];
  /** Sum of the lags of partitions with a committed offset. */
  readonly totalLag: bigint;
}

/** Describes `group`; undefined when it has neither live members nor committed offsets. */
export async function describeGroup(
  bus: Bus,
  members: MemberRegistry,
  group: string,
): Promise<GroupView | undefined> {
  const snapshot = bus.describeGroup(group);
  const live = snapshot?.members ?? [];
  const committed = await bus.log.fetchOffsets(group);
  if (live.length === 0 && committed.length === 0) return undefined;

  const memberViews: GroupMemberView[] = live.map((m) => {
    const http = members.byBusMemberId(m.memberId);
    return {
      memberId: http?.id ?? m.memberId,
      clientId: http?.request.clientId ?? 'in-process',
      host: http?.request.host ?? 'in-process',
      topics: m.topics,
      partitions: m.owned.map(({ topic, partition }) => ({ topic, partition })),
    };
  });
  const ownerOf = new Map<string, GroupMemberView>();
  for (const view of memberViews)
    for (const tp of view.partitions) ownerOf.set(`${tp.topic}:${tp.partition}`, view);
  const committedAt = new Map(committed.map((o) => [`${o.topic}:${o.partition}`, o.offset]));

  const topics = [...new Set([...committed.map((o) => o.topic), ...live.flatMap((m) => m.topics)])].sort();
  const partitions: GroupPartitionView[] = [];
  for (const topic of topics) {
    let description: Awaited<ReturnType<Bus['log']['describeTopic']>>;
    try {
      description = await bus.log.describeTopic(topic);
    } catch (err) {
      if (isTributaryError(err, 'UNKNOWN_TOPIC')) continue; // deleted since the group committed
      throw err;
    }
    for (const { partition, latestOffset } of description.partitions) {
      const key = `${topic}:${partition}`;
      const current = committedAt.get(key) ?? null;
      const owner = ownerOf.get(key);
      partitions.push({
        topic,
        partition,
        currentOffset: current,
        logEndOffset: latestOffset,
        lag: current === null ? null : latestOffset > current ? latestOffset - current : 0n,
        memberId: owner?.memberId ?? null,
        host: owner?.host ?? null,
        clientId: owner?.clientId ?? null,
      });
    }
  }
  const settled = live.every((m) => m.owned.length === m.target.length);
  return {
    group,
    state: live.length === 0 ? 'Empty' : settled ? 'Stable' : 'Rebalancing',
    generation: snapshot === undefined || live.length === 0 ? null : snapshot.generation,
    assignor: snapshot?.assignor ?? null,
    members: memberViews,
    partitions,
    totalLag: partitions.reduce((sum, p) => sum + (p.lag ?? 0n), 0n),
  };
}
