/** One pending `whenCaughtUp`. */
interface Waiter {
  readonly target: bigint;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The pending `whenCaughtUp` calls of a runner: each resolves once the checkpoint reaches its
 * target position, or rejects when the runner ends or the wait times out.
 */
export class CatchUpWaiters {
  private readonly waiters = new Set<Waiter>();

  /**
   * Waits for the checkpoint to reach `target`. `onTimeout` builds the rejection after
   * `timeoutMs` (not armed when it is `Infinity`).
   */
  wait(target: bigint, timeoutMs: number, onTimeout: () => unknown): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { target, resolve, reject, timer: undefined };
      if (Number.isFinite(timeoutMs))
        waiter.timer = setTimeout(() => {
          this.waiters.delete(waiter);
          reject(onTimeout());
        }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Resolves every wait whose target `checkpoint` has reached. */
  reached(checkpoint: bigint): void {
    for (const waiter of this.waiters)
      if (waiter.target <= checkpoint) {
        this.waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve();
      }
  }

  /** Rejects every wait with `error` (the runner stopped or failed). */
  rejectAll(error: unknown): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.waiters.clear();
  }
}
