import type { CheckpointStore, LeaseGrant } from '../ports/event-store.js';

/**
 * Holds one lease of a {@link CheckpointStore} for a loop that must run in one instance at a time
 * (a projection, the outbox relay): takes it, renews it every `ttlMs / 3` in the background (so a
 * long batch does not lose it) and reports when renewal finds it taken by another owner, or when
 * it lapses because renewals kept failing.
 */
export class LeaseKeeper {
  /**
   * When the lease lapses by this process's clock (the call's start + ttl): the store's
   * `expiresAt` may come from another clock (the database's), which need not agree with ours.
   */
  private expiresAt: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private renewing: Promise<void> | undefined;

  constructor(
    private readonly checkpoints: CheckpointStore,
    readonly name: string,
    readonly owner: string,
    private readonly ttlMs: number,
    /** Called once each time a held lease is lost (not after `release`). */
    private readonly onLost: () => void,
    /** Called with errors of background renewals (the lease is kept until it lapses). */
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Whether this instance holds the lease (as far as it knows: renewals may still find it lost). */
  get held(): boolean {
    return this.expiresAt !== undefined && this.expiresAt > Date.now();
  }

  /** Takes (or renews) the lease; returns whether this instance holds it now. */
  async acquire(): Promise<boolean> {
    const started = Date.now();
    const grant = await this.checkpoints.acquireLease(this.name, this.owner, this.ttlMs);
    if (grant === undefined) {
      this.drop();
      return false;
    }
    this.expiresAt = started + this.ttlMs;
    this.schedule();
    return true;
  }

  /** Stops renewing and gives the lease up so a standby instance takes over at once. */
  async release(): Promise<void> {
    const wasHeld = this.expiresAt !== undefined;
    this.drop();
    // A renewal still in flight could take the lease again after the release: let it land first.
    await this.renewing;
    if (wasHeld) await this.checkpoints.releaseLease(this.name, this.owner);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.renewing = this.renew().finally(() => {
          this.renewing = undefined;
        });
      },
      Math.max(1, Math.floor(this.ttlMs / 3)),
    );
  }

  private async renew(): Promise<void> {
    if (this.expiresAt === undefined) return;
    const started = Date.now();
    try {
      const grant: LeaseGrant | undefined = await this.checkpoints.acquireLease(
        this.name,
        this.owner,
        this.ttlMs,
      );
      if (this.expiresAt === undefined) return; // released meanwhile
      if (grant === undefined) return this.lose();
      this.expiresAt = started + this.ttlMs;
    } catch (error) {
      this.onError(error);
      if (this.expiresAt === undefined) return;
      if (this.expiresAt <= Date.now()) return this.lose();
    }
    this.schedule();
  }

  private lose(): void {
    this.drop();
    this.onLost();
  }

  private drop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.expiresAt = undefined;
  }
}
