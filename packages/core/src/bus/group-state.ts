import { type GroupError, invalidArgument } from '../errors/errors.js';
import { rangeAssignor } from './assignors/range.js';
import { type Assignor, compareStrings, partitionKey, type TopicPartition } from './assignors/types.js';
import type { GroupMember, OwnedPartition } from './group-member.js';

interface Holder {
  readonly memberId: string;
  readonly epoch: number;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** A member's view in {@link GroupState.snapshot}. */
export interface MemberSnapshot {
  readonly memberId: string;
  readonly topics: readonly string[];
  /** Partitions it holds now. */
  readonly owned: readonly OwnedPartition[];
  /** Partitions the current generation's assignment gives it. */
  readonly target: readonly TopicPartition[];
}

/** A consumer group's state, for diagnostics and tests. */
export interface GroupSnapshot {
  readonly group: string;
  readonly generation: number;
  readonly assignor: string | undefined;
  readonly members: readonly MemberSnapshot[];
}

/**
 * One consumer group's membership and partition ownership. Synchronous: the coordinator serialises
 * calls. Rebalancing is cooperative: a partition is granted to its new owner only after the previous
 * owner released it, so no partition is ever consumed by two live members at once.
 */
export class GroupState {
  generation = 0;
  private assignor: Assignor | undefined;
  readonly members = new Map<string, GroupMember>();
  private readonly partitions = new Map<string, number>();
  private target = new Map<string, TopicPartition[]>();
  private targetOwner = new Map<string, string>();
  private readonly owners = new Map<string, Holder>();
  private readonly revoking = new Set<string>();
  private readonly waiters = new Map<string, Waiter>();

  constructor(readonly name: string) {}

  /** Adds a member and rebalances; resolves once all partitions assigned to it are granted. */
  add(
    member: GroupMember,
    assignor: Assignor,
    partitionsPerTopic: ReadonlyMap<string, number>,
  ): Promise<void> {
    if (this.members.has(member.memberId)) {
      throw invalidArgument(`Member ${member.memberId} is already in consumer group "${this.name}".`);
    }
    if (this.assignor !== undefined && this.members.size > 0 && this.assignor.name !== assignor.name) {
      throw invalidArgument(
        `Consumer group "${this.name}" uses the "${this.assignor.name}" assignor; this consumer asked for "${assignor.name}". All members of a group must use the same assignor.`,
      );
    }
    const counts = new Map(this.partitions);
    for (const [topic, n] of partitionsPerTopic) counts.set(topic, n);
    const members = new Map(this.members).set(member.memberId, member);
    // Compute first, so a failing custom assignor leaves the group untouched.
    const plan = this.plan(assignor, members, counts);
    this.assignor = assignor;
    this.members.set(member.memberId, member);
    for (const [topic, n] of counts) this.partitions.set(topic, n);
    const settled = new Promise<void>((resolve, reject) =>
      this.waiters.set(member.memberId, { resolve, reject }),
    );
    this.apply(plan);
    return settled;
  }

  /**
   * Removes a member and frees everything it holds, then rebalances the rest. `error` (eviction)
   * rejects a pending join; a graceful leave resolves it.
   */
  remove(memberId: string, error?: GroupError): GroupMember | undefined {
    const member = this.members.get(memberId);
    if (member === undefined) return undefined;
    this.members.delete(memberId);
    for (const [key, holder] of this.owners) {
      if (holder.memberId === memberId) {
        this.owners.delete(key);
        this.revoking.delete(key);
      }
    }
    const waiter = this.waiters.get(memberId);
    this.waiters.delete(memberId);
    if (error === undefined) waiter?.resolve();
    else waiter?.reject(error);
    if (this.members.size === 0) {
      this.target = new Map();
      this.targetOwner = new Map();
      return member;
    }
    const assignor = this.assignor ?? rangeAssignor;
    let plan: Map<string, TopicPartition[]>;
    try {
      plan = this.plan(assignor, this.members, this.partitions);
    } catch (err) {
      // A custom assignor failed mid-life: keep the group consuming with range, and say so.
      for (const m of this.members.values()) m.onError(err);
      plan = this.plan(rangeAssignor, this.members, this.partitions);
    }
    this.apply(plan);
    return member;
  }

  /** A member gives partitions back after a revoke; each goes on to its new owner. */
  release(memberId: string, partitions: readonly TopicPartition[]): void {
    const grants = new Map<string, OwnedPartition[]>();
    for (const tp of partitions) {
      const key = partitionKey(tp);
      if (this.owners.get(key)?.memberId !== memberId) continue;
      this.owners.delete(key);
      this.revoking.delete(key);
      const next = this.targetOwner.get(key);
      if (next !== undefined) this.grant(next, tp, grants);
    }
    this.notifyAssign(grants);
    this.settleWaiters();
  }

  /** The holder of a partition, or undefined when it is free. */
  holder(tp: TopicPartition): Holder | undefined {
    return this.owners.get(partitionKey(tp));
  }

  snapshot(): GroupSnapshot {
    const members = [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      topics: m.topics,
      owned: [...this.owners]
        .filter(([, h]) => h.memberId === m.memberId)
        .map(([key, h]) => ({ ...parseKey(key), epoch: h.epoch })),
      target: this.target.get(m.memberId) ?? [],
    }));
    return { group: this.name, generation: this.generation, assignor: this.assignor?.name, members };
  }

  private plan(
    assignor: Assignor,
    members: ReadonlyMap<string, GroupMember>,
    counts: ReadonlyMap<string, number>,
  ): Map<string, TopicPartition[]> {
    const subscribed = new Set([...members.values()].flatMap((m) => m.topics));
    const perTopic = new Map([...counts].filter(([topic]) => subscribed.has(topic)));
    const sorted = [...members.values()]
      .map((m) => ({ memberId: m.memberId, topics: m.topics }))
      .sort((a, b) => compareStrings(a.memberId, b.memberId));
    const previous = new Map([...this.target].filter(([id]) => members.has(id)));
    const result = assignor.assign(sorted, perTopic, previous);
    validatePlan(assignor.name, result, members, perTopic);
    return result;
  }

  /** Starts a new generation: revokes moved partitions, grants free ones. */
  private apply(plan: Map<string, TopicPartition[]>): void {
    this.generation++;
    this.target = plan;
    this.targetOwner = new Map();
    for (const [memberId, list] of plan)
      for (const tp of list) this.targetOwner.set(partitionKey(tp), memberId);

    const revokes = new Map<string, TopicPartition[]>();
    for (const [key, holder] of this.owners) {
      if (this.targetOwner.get(key) === holder.memberId || this.revoking.has(key)) continue;
      this.revoking.add(key);
      const list = revokes.get(holder.memberId) ?? [];
      list.push(parseKey(key));
      revokes.set(holder.memberId, list);
    }
    const grants = new Map<string, OwnedPartition[]>();
    for (const [memberId, list] of plan) {
      for (const tp of list) if (!this.owners.has(partitionKey(tp))) this.grant(memberId, tp, grants);
    }
    // State is consistent now; callbacks may re-enter (e.g. release at once).
    for (const [memberId, list] of revokes) this.members.get(memberId)?.onRevoke(list);
    this.notifyAssign(grants);
    this.settleWaiters();
  }

  private grant(memberId: string, tp: TopicPartition, grants: Map<string, OwnedPartition[]>): void {
    this.owners.set(partitionKey(tp), { memberId, epoch: this.generation });
    const list = grants.get(memberId) ?? [];
    list.push({ topic: tp.topic, partition: tp.partition, epoch: this.generation });
    grants.set(memberId, list);
  }

  private notifyAssign(grants: Map<string, OwnedPartition[]>): void {
    for (const [memberId, list] of grants) this.members.get(memberId)?.onAssign(list);
  }

  /** Resolves the join of every member that now holds its whole target. */
  private settleWaiters(): void {
    for (const [memberId, waiter] of this.waiters) {
      const target = this.target.get(memberId) ?? [];
      if (target.every((tp) => this.owners.get(partitionKey(tp))?.memberId === memberId)) {
        this.waiters.delete(memberId);
        waiter.resolve();
      }
    }
  }
}

function parseKey(key: string): TopicPartition {
  const at = key.lastIndexOf(':');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

/** Rejects an assignment that names unknown members or partitions, or gives a partition twice. */
function validatePlan(
  assignor: string,
  plan: ReadonlyMap<string, readonly TopicPartition[]>,
  members: ReadonlyMap<string, GroupMember>,
  perTopic: ReadonlyMap<string, number>,
): void {
  const fail = (why: string) =>
    invalidArgument(`Assignor "${assignor}" returned an invalid assignment: ${why}.`);
  if (!(plan instanceof Map)) throw fail('expected a Map of memberId to partitions');
  const seen = new Set<string>();
  for (const [memberId, list] of plan) {
    const member = members.get(memberId);
    if (member === undefined) throw fail(`unknown member ${JSON.stringify(memberId)}`);
    for (const tp of list) {
      const key = partitionKey(tp);
      const count = perTopic.get(tp.topic);
      if (
        count === undefined ||
        !Number.isInteger(tp.partition) ||
        tp.partition < 0 ||
        tp.partition >= count
      ) {
        throw fail(`partition ${key} does not exist`);
      }
      if (!member.topics.includes(tp.topic))
        throw fail(`${key} given to ${memberId}, which does not subscribe to it`);
      if (seen.has(key)) throw fail(`${key} given to more than one member`);
      seen.add(key);
    }
  }
}
