import { type Assignor, emptyAssignment, sortedMembers, sortedTopics, type TopicPartition } from './types.js';

/**
 * Kafka's RoundRobinAssignor: all partitions (sorted by topic, then partition) are dealt to the
 * members (sorted by id) in turn, skipping members not subscribed to the partition's topic.
 */
export const roundRobinAssignor: Assignor = {
  name: 'round-robin',
  assign(members, partitionsPerTopic) {
    const result = emptyAssignment(members);
    const ordered = sortedMembers(members);
    if (ordered.length === 0) return result;
    let next = 0;
    for (const topic of sortedTopics(partitionsPerTopic)) {
      if (!ordered.some((m) => m.topics.includes(topic))) continue;
      const count = partitionsPerTopic.get(topic) ?? 0;
      for (let partition = 0; partition < count; partition++) {
        // Advance around the circle to the next member subscribed to this topic.
        while (!ordered[next % ordered.length]?.topics.includes(topic)) next++;
        const member = ordered[next % ordered.length];
        if (member !== undefined)
          (result.get(member.memberId) as TopicPartition[]).push({ topic, partition });
        next++;
      }
    }
    return result;
  },
};
