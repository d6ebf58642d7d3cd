import type { CommittedOffset, Log, TopicDescription } from '@tributary/core';
import { notFound } from '../../exit-codes.js';
import type { GroupDescription, GroupPartitionRow, ResetRequest, ResetResult, ResetTo } from '../types.js';

/** Fails with exit code 3 naming the known groups when `group` has no committed offsets. */
export async function assertGroupExists(log: Log, group: string): Promise<void> {
  const groups = await log.listGroups();
  if (groups.includes(group)) return;
  const known = groups.length === 0 ? 'there are none yet' : `known groups: ${groups.join(', ')}`;
  throw notFound(
    `Consumer group "${group}" not found: it has no committed offsets (${known}). See \`trib groups list\`.`,
  );
}

async function describeOrUndefined(log: Log, topic: string): Promise<TopicDescription | undefined> {
  try {
    return await log.describeTopic(topic);
  } catch {
    return undefined; // the topic was deleted since the group committed
  }
}

/**
 * A group's committed positions and lag. Members live in the process that runs them, and this
 * process holds the data directory alone, so a group seen here has no live member: `Empty`.
 */
export async function describeLocalGroup(log: Log, group: string): Promise<GroupDescription> {
  await assertGroupExists(log, group);
  const committed = await log.fetchOffsets(group);
  const topics = new Map<string, TopicDescription | undefined>();
  const rows: GroupPartitionRow[] = [];
  for (const c of committed) {
    if (!topics.has(c.topic)) topics.set(c.topic, await describeOrUndefined(log, c.topic));
    const end = topics.get(c.topic)?.partitions[c.partition]?.latestOffset ?? null;
    rows.push({
      topic: c.topic,
      partition: c.partition,
      currentOffset: c.offset,
      logEndOffset: end,
      lag: end === null ? null : end > c.offset ? end - c.offset : 0n,
      memberId: null,
      host: null,
      clientId: null,
    });
  }
  rows.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  return { group, state: 'Empty', partitions: rows };
}

function clamp(value: bigint, low: bigint, high: bigint): bigint {
  return value < low ? low : value > high ? high : value;
}

async function targetOffset(
  log: Log,
  topic: string,
  partition: { partition: number; earliestOffset: bigint; latestOffset: bigint },
  current: bigint | null,
  to: ResetTo,
): Promise<bigint> {
  const { earliestOffset: low, latestOffset: high } = partition;
  if (to === 'earliest') return low;
  if (to === 'latest') return high;
  if ('datetime' in to)
    return (await log.offsetForTimestamp(topic, partition.partition, to.datetime)) ?? high;
  if ('offset' in to) return clamp(to.offset, low, high);
  // Shifting a partition the group never committed starts from its earliest offset.
  return clamp((current ?? low) + to.shiftBy, low, high);
}

/**
 * Plans (and with `execute`, commits) new positions for every partition of `topic`, Kafka style:
 * targets are clamped to the partition's retained range.
 */
export async function resetLocalOffsets(
  log: Log,
  group: string,
  request: ResetRequest,
): Promise<ResetResult> {
  const description = await log.describeTopic(request.topic);
  const committed = new Map<number, bigint>(
    (await log.fetchOffsets(group, request.topic)).map((c) => [c.partition, c.offset]),
  );
  const partitions = [];
  for (const p of description.partitions) {
    const from = committed.get(p.partition) ?? null;
    partitions.push({
      topic: request.topic,
      partition: p.partition,
      from,
      to: await targetOffset(log, request.topic, p, from, request.to),
    });
  }
  if (request.execute) {
    const offsets: CommittedOffset[] = partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      offset: p.to,
    }));
    await log.commitOffsets(group, offsets);
  }
  return { executed: request.execute, partitions };
}
