import {
  type Assignor,
  type AssignorMember,
  emptyAssignment,
  sortedMembers,
  sortedTopics,
  type TopicPartition,
} from './types.js';

/**
 * Kafka's RangeAssignor: per topic, the subscribed members (sorted by id) each get a contiguous
 * range of partitions; the first `partitions % members` members get one extra. Co-partitioned
 * topics line up (member i gets partition p of every topic), at the cost of imbalance across many
 * topics.
 */
export const rangeAssignor: Assignor = {
  name: 'range',
  assign(members, partitionsPerTopic) {
    const result = emptyAssignment(members);
    const ordered = sortedMembers(members);
    for (const topic of sortedTopics(partitionsPerTopic)) {
      const count = partitionsPerTopic.get(topic) ?? 0;
      const subscribers = ordered.filter((m: AssignorMember) => m.topics.includes(topic));
      if (subscribers.length === 0) continue;
      const per = Math.floor(count / subscribers.length);
      const extra = count % subscribers.length;
      subscribers.forEach((member, i) => {
        const start = per * i + Math.min(i, extra);
        const length = per + (i < extra ? 1 : 0);
        const owned = result.get(member.memberId) as TopicPartition[];
        for (let p = start; p < start + length; p++) owned.push({ topic, partition: p });
      });
    }
    return result;
  },
};
