/** One partition of one topic. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** A group member as an assignor sees it. */
export interface AssignorMember {
  readonly memberId: string;
  /** The topics this member subscribes to. */
  readonly topics: readonly string[];
}

/** memberId → the partitions it owns (or should own). */
export type Assignment = ReadonlyMap<string, readonly TopicPartition[]>;

/**
 * Decides which member of a consumer group consumes which partition. Called by the group
 * coordinator on every membership change, with all partitions of the union of subscribed topics.
 *
 * Rules an assignor must follow (the coordinator rejects an assignment that breaks them):
 * every partition goes to at most one member, and only to a member subscribed to its topic.
 * It should be a pure, deterministic function of its input so every rebalance is reproducible.
 */
export interface Assignor {
  /** Unique name; all members of a group must use the same assignor. */
  readonly name: string;
  /**
   * @param members the members of the new generation, sorted by `memberId`.
   * @param partitionsPerTopic partition count of every subscribed topic.
   * @param previous the assignment of the previous generation (members that left are absent);
   *   sticky assignors use it to keep partitions where they are.
   */
  assign(
    members: readonly AssignorMember[],
    partitionsPerTopic: ReadonlyMap<string, number>,
    previous: Assignment,
  ): Map<string, TopicPartition[]>;
}

/** `topic:partition`, a map key for a partition. */
export function partitionKey(tp: TopicPartition): string {
  return `${tp.topic}:${tp.partition}`;
}

/** An empty list for every member, so members that get nothing still appear in the result. */
export function emptyAssignment(members: readonly AssignorMember[]): Map<string, TopicPartition[]> {
  return new Map(members.map((m) => [m.memberId, []]));
}

/** Members sorted by id (Kafka's assignors iterate members in this order). */
export function sortedMembers(members: readonly AssignorMember[]): AssignorMember[] {
  return [...members].sort((a, b) => compareStrings(a.memberId, b.memberId));
}

/** Topics in sorted order. */
export function sortedTopics(partitionsPerTopic: ReadonlyMap<string, number>): string[] {
  return [...partitionsPerTopic.keys()].sort(compareStrings);
}

/** Code-unit order, independent of locale (as Java's String.compareTo). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
