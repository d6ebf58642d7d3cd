import type { GroupError } from '../errors/errors.js';
import type { TopicPartition } from './assignors/types.js';

/** A partition granted to a member, tagged with the generation it was granted in. */
export interface OwnedPartition extends TopicPartition {
  /** Fences commits: a commit must carry the epoch of the member's current grant. */
  readonly epoch: number;
}

/** The handler a member is running, for liveness checks. */
export interface BusyHandler {
  /** `Date.now()` when the handler started. */
  readonly since: number;
  readonly topic: string;
  readonly partition: number;
}

/**
 * What the coordinator needs from a consumer-group member. Callbacks are invoked after the
 * coordinator's state is consistent, so a member may call back into the coordinator from them.
 */
export interface GroupMember {
  readonly memberId: string;
  readonly topics: readonly string[];
  /** A handler running longer than this gets the member evicted. */
  readonly maxPollIntervalMs: number;
  /** Partitions now owned by this member: start consuming them. */
  onAssign(partitions: readonly OwnedPartition[]): void;
  /**
   * Partitions moving to another member: stop fetching, let the in-flight handler finish, commit
   * (with auto-commit), then call `coordinator.release`. Until then nobody else gets them.
   */
  onRevoke(partitions: readonly TopicPartition[]): void;
  /** The member was removed from the group (liveness); its partitions are already reassigned. */
  onEvict(error: GroupError): void;
  /** A group-level problem the member should report (e.g. a custom assignor that failed). */
  onError(error: unknown): void;
  /** The longest-running handler in flight, or undefined when idle. */
  busySince(): BusyHandler | undefined;
}
