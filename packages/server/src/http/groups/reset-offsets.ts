/**
 * Resetting a group's committed offsets on a topic (as `kafka-consumer-groups --reset-offsets`):
 * computes the new offset of each partition, and commits them only when asked to execute and the
 * group has no live members (they would overwrite the reset with their own commits).
 */
import type { Bus } from '@tributary/core';
import { HttpProblem } from '../problem.js';

/** Where to move each partition. */
export type ResetTarget =
  | 'earliest'
  | 'latest'
  | { readonly datetime: Date }
  | { readonly offset: bigint }
  | { readonly shiftBy: bigint };

export interface ResetPlan {
  readonly topic: string;
  readonly partition: number;
  /** The committed offset before; null when there was none. */
  readonly from: bigint | null;
  readonly to: bigint;
}

/** The new offsets for `partitions` of `topic` (all when undefined), clamped to what the log retains. */
export async function planReset(
  bus: Bus,
  group: string,
  topic: string,
  partitions: readonly number[] | undefined,
  to: ResetTarget,
): Promise<ResetPlan[]> {
  const { log } = bus;
  const description = await log.describeTopic(topic);
  const count = description.partitions.length;
  const chosen = partitions ?? description.partitions.map((p) => p.partition);
  const outside = chosen.filter((p) => p >= count);
  if (outside.length > 0) {
    throw new HttpProblem(
      404,
      'PARTITION_OUT_OF_RANGE',
      `Topic "${topic}" has ${count} partitions; there is no partition ${outside.join(', ')}.`,
      [{ path: 'partitions', message: `must be below ${count}` }],
    );
  }
  const committed = new Map((await log.fetchOffsets(group, topic)).map((o) => [o.partition, o.offset]));
  return Promise.all(
    [...new Set(chosen)]
      .sort((a, b) => a - b)
      .map(async (partition) => {
        const earliest = await log.earliestOffset(topic, partition);
        const latest = await log.latestOffset(topic, partition);
        const from = committed.get(partition) ?? null;
        const target = await targetOffset(bus, topic, partition, to, from, earliest, latest);
        return { topic, partition, from, to: clamp(target, earliest, latest) };
      }),
  );
}

/** `value` moved into `[low, high]` (bigints: Math.min/max do not take them). */
function clamp(value: bigint, low: bigint, high: bigint): bigint {
  if (value < low) return low;
  if (value > high) return high;
  return value;
}

async function targetOffset(
  bus: Bus,
  topic: string,
  partition: number,
  to: ResetTarget,
  from: bigint | null,
  earliest: bigint,
  latest: bigint,
): Promise<bigint> {
  if (to === 'earliest') return earliest;
  if (to === 'latest') return latest;
  if ('offset' in to) return to.offset;
  if ('shiftBy' in to) return (from ?? earliest) + to.shiftBy;
  return (await bus.log.offsetForTimestamp(topic, partition, to.datetime.getTime())) ?? latest;
}

/**
 * Commits a plan. @throws HttpProblem 409 `GROUP_NOT_EMPTY` while the group has live members.
 */
export async function executeReset(bus: Bus, group: string, plan: readonly ResetPlan[]): Promise<void> {
  const live = bus.describeGroup(group)?.members.length ?? 0;
  if (live > 0) {
    throw new HttpProblem(
      409,
      'GROUP_NOT_EMPTY',
      `Consumer group "${group}" has ${live} live member(s); stop them (or let their sessions time out) before resetting its offsets, or they would commit over the reset.`,
    );
  }
  if (plan.length === 0) return;
  await bus.log.commitOffsets(
    group,
    plan.map(({ topic, partition, to }) => ({ topic, partition, offset: to })),
  );
}
