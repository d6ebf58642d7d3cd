import {
  type Assignor,
  type AssignorMember,
  compareStrings,
  partitionKey,
  sortedMembers,
  sortedTopics,
  type TopicPartition,
} from './types.js';

/**
 * A sticky assignor in the spirit of Kafka's (Cooperative)StickyAssignor: it keeps every partition
 * with its previous owner where that owner is still subscribed, hands out unowned partitions to the
 * least-loaded eligible member, then moves partitions from the most- to the least-loaded members
 * until no move can narrow the spread. With equal subscriptions the result is balanced
 * (max − min ≤ 1), and a joining member takes only about `partitions / members` partitions, all of
 * them from the most-loaded members — the fewest moves a balanced assignment allows.
 */
export const stickyAssignor: Assignor = {
  name: 'sticky',
  assign(members, partitionsPerTopic, previous) {
    const ordered = sortedMembers(members);
    const owned = new Map<string, TopicPartition[]>(ordered.map((m) => [m.memberId, []]));
    const subscribed = (member: AssignorMember, topic: string) => member.topics.includes(topic);
    const exists = (tp: TopicPartition) =>
      Number.isInteger(tp.partition) &&
      tp.partition >= 0 &&
      tp.partition < (partitionsPerTopic.get(tp.topic) ?? 0);

    // 1. Keep previous ownership that is still valid (each partition at most once).
    const taken = new Set<string>();
    for (const member of ordered) {
      for (const tp of previous.get(member.memberId) ?? []) {
        const key = partitionKey(tp);
        if (taken.has(key) || !exists(tp) || !subscribed(member, tp.topic)) continue;
        taken.add(key);
        owned.get(member.memberId)?.push({ topic: tp.topic, partition: tp.partition });
      }
    }

    // 2. Give every unowned partition to the least-loaded subscribed member.
    for (const topic of sortedTopics(partitionsPerTopic)) {
      const eligible = ordered.filter((m) => subscribed(m, topic));
      if (eligible.length === 0) continue;
      const count = partitionsPerTopic.get(topic) ?? 0;
      for (let partition = 0; partition < count; partition++) {
        if (taken.has(partitionKey({ topic, partition }))) continue;
        const target = leastLoaded(eligible, owned);
        owned.get(target.memberId)?.push({ topic, partition });
      }
    }

    // 3. Move partitions from heavier to lighter members while that narrows the spread. Each move
    // lowers the sum of squared loads, so this terminates.
    while (moveOne(ordered, owned)) {
      // keep moving
    }

    for (const list of owned.values()) list.sort(comparePartitions);
    return owned;
  },
};

function load(owned: Map<string, TopicPartition[]>, member: AssignorMember): number {
  return owned.get(member.memberId)?.length ?? 0;
}

function leastLoaded(
  eligible: readonly AssignorMember[],
  owned: Map<string, TopicPartition[]>,
): AssignorMember {
  let best = eligible[0] as AssignorMember;
  for (const member of eligible) if (load(owned, member) < load(owned, best)) best = member;
  return best;
}

/** Moves one partition from a member to one with at least two fewer; false when none can move. */
function moveOne(ordered: readonly AssignorMember[], owned: Map<string, TopicPartition[]>): boolean {
  // Stable sorts keep ties in member-id order, so the result is deterministic.
  const heaviestFirst = [...ordered].sort((a, b) => load(owned, b) - load(owned, a));
  const lightestFirst = [...ordered].sort((a, b) => load(owned, a) - load(owned, b));
  for (const from of heaviestFirst) {
    const source = owned.get(from.memberId) ?? [];
    for (const to of lightestFirst) {
      if (load(owned, from) - load(owned, to) < 2) break;
      // Move the most recently added partition the receiver can take.
      for (let i = source.length - 1; i >= 0; i--) {
        const tp = source[i] as TopicPartition;
        if (!to.topics.includes(tp.topic)) continue;
        source.splice(i, 1);
        owned.get(to.memberId)?.push(tp);
        return true;
      }
    }
  }
  return false;
}

function comparePartitions(a: TopicPartition, b: TopicPartition): number {
  return compareStrings(a.topic, b.topic) || a.partition - b.partition;
}
