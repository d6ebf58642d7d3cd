import { GroupError } from '../errors/errors.js';
import type { CommittedOffset, Log } from '../ports/log.js';
import type { Assignor, TopicPartition } from './assignors/types.js';
import type { GroupMember } from './group-member.js';
import { type GroupSnapshot, GroupState } from './group-state.js';
import { SerialQueue } from './serial-queue.js';

/** One offset to commit on behalf of a member, fenced by the epoch of its grant. */
export interface MemberCommit extends CommittedOffset {
  readonly memberId: string;
  readonly epoch: number;
}

interface GroupEntry {
  readonly state: GroupState;
  readonly queue: SerialQueue;
  timer?: ReturnType<typeof setInterval>;
}

/**
 * The in-process group coordinator of one bus: membership, generations, assignment, cooperative
 * rebalancing, commit fencing and liveness. Each bus owns one; there is no global state.
 *
 * Per group, commits and membership changes run one at a time, so a commit that passed the
 * ownership check is on the log before the partition can move to another member.
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, GroupEntry>();

  constructor(private readonly log: Pick<Log, 'commitOffsets'>) {}

  /**
   * Adds `member` to `group` and rebalances. Resolves once the member holds every partition the
   * new assignment gives it (previous owners released them), or when it leaves first; rejects when
   * the join is invalid (assignor mismatch, bad custom assignment) or the member is evicted first.
   */
  async join(
    group: string,
    member: GroupMember,
    assignor: Assignor,
    partitionsPerTopic: ReadonlyMap<string, number>,
  ): Promise<void> {
    const entry = this.entry(group);
    const settled = await entry.queue.run(() => {
      const result = entry.state.add(member, assignor, partitionsPerTopic);
      this.armLiveness(entry);
      return { result };
    });
    await settled.result;
  }

  /** Removes a member that has drained and committed; its partitions go to the others. */
  async leave(group: string, memberId: string): Promise<void> {
    const entry = this.groups.get(group);
    if (entry === undefined) return;
    await entry.queue.run(() => {
      entry.state.remove(memberId);
      this.armLiveness(entry);
    });
  }

  /** A member hands back revoked partitions (after finishing and committing them). */
  release(group: string, memberId: string, partitions: readonly TopicPartition[]): void {
    this.groups.get(group)?.state.release(memberId, partitions);
  }

  /**
   * Commits offsets for partitions the member holds under the given epochs, all or none. Rejects
   * with `NOT_ASSIGNED` when the member left or was evicted or does not hold a partition, and with
   * `REBALANCE_IN_PROGRESS` when it holds it under a newer grant than the commit's (stale).
   */
  async commit(group: string, offsets: readonly MemberCommit[]): Promise<void> {
    if (offsets.length === 0) return;
    const entry = this.entry(group);
    await entry.queue.run(async () => {
      for (const o of offsets) this.checkOwnership(entry.state, o);
      await this.log.commitOffsets(
        group,
        offsets.map((o) => ({
          topic: o.topic,
          partition: o.partition,
          offset: o.offset,
          ...(o.metadata === undefined ? {} : { metadata: o.metadata }),
        })),
      );
    });
  }

  /** Forcibly removes a member (it stopped responding); its late commits are rejected. */
  async evict(group: string, memberId: string, reason: string): Promise<void> {
    const entry = this.groups.get(group);
    if (entry === undefined) return;
    const error = new GroupError(
      'NOT_ASSIGNED',
      `Member ${memberId} was evicted from consumer group "${group}": ${reason}. Its partitions were reassigned; it rejoins once its handlers return.`,
    );
    const removed = await entry.queue.run(() => {
      const member = entry.state.remove(memberId, error);
      this.armLiveness(entry);
      return member;
    });
    removed?.onEvict(error);
  }

  /** Membership and ownership of a group, or undefined when it never had members here. */
  describeGroup(group: string): GroupSnapshot | undefined {
    return this.groups.get(group)?.state.snapshot();
  }

  /** Stops liveness timers. Members are expected to have left. */
  close(): void {
    for (const entry of this.groups.values()) {
      if (entry.timer !== undefined) clearInterval(entry.timer);
      entry.timer = undefined;
    }
  }

  private entry(group: string): GroupEntry {
    let entry = this.groups.get(group);
    if (entry === undefined) {
      entry = { state: new GroupState(group), queue: new SerialQueue() };
      this.groups.set(group, entry);
    }
    return entry;
  }

  private checkOwnership(state: GroupState, o: MemberCommit): void {
    const where = `${o.topic}:${o.partition}`;
    if (!state.members.has(o.memberId)) {
      throw new GroupError(
        'NOT_ASSIGNED',
        `Commit of ${where} rejected: member ${o.memberId} is no longer in consumer group "${state.name}" (it left or was evicted after exceeding maxPollIntervalMs); the partition's new owner keeps its offsets.`,
      );
    }
    const holder = state.holder(o);
    if (holder?.memberId !== o.memberId) {
      throw new GroupError(
        'NOT_ASSIGNED',
        `Commit of ${where} rejected: the partition is not assigned to member ${o.memberId} of consumer group "${state.name}".`,
      );
    }
    if (holder.epoch !== o.epoch) {
      throw new GroupError(
        'REBALANCE_IN_PROGRESS',
        `Commit of ${where} rejected: it was made under generation ${o.epoch}, but member ${o.memberId} holds the partition since generation ${holder.epoch} of consumer group "${state.name}".`,
      );
    }
  }

  /** Runs one liveness check timer per group while it has members. */
  private armLiveness(entry: GroupEntry): void {
    if (entry.timer !== undefined) clearInterval(entry.timer);
    entry.timer = undefined;
    const members = [...entry.state.members.values()];
    if (members.length === 0) return;
    const shortest = Math.min(...members.map((m) => m.maxPollIntervalMs));
    const period = Math.max(5, Math.min(1000, Math.floor(shortest / 4)));
    entry.timer = setInterval(() => this.checkLiveness(entry), period);
    entry.timer.unref();
  }

  private checkLiveness(entry: GroupEntry): void {
    const now = Date.now();
    for (const member of entry.state.members.values()) {
      const busy = member.busySince();
      if (busy === undefined || now - busy.since <= member.maxPollIntervalMs) continue;
      const reason = `its handler for ${busy.topic}:${busy.partition} has run ${now - busy.since} ms, longer than maxPollIntervalMs (${member.maxPollIntervalMs} ms)`;
      this.evict(entry.state.name, member.memberId, reason).catch((err: unknown) => member.onError(err));
    }
  }
}
