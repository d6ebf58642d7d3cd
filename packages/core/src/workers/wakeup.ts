/**
 * A level-triggered wake-up signal for polling loops: `notify` (an append happened) makes the next
 * or the current `wait` return at once, so a notification that arrives while the loop is busy
 * reading is not lost; otherwise `wait` returns after its timeout (the poll for other processes'
 * appends) or when the abort signal fires (stop).
 */
export class Wakeup {
  private pending = false;
  private waiter: (() => void) | undefined;

  notify(): void {
    this.pending = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  /** Resolves on the next (or an already pending) `notify`, after `ms`, or when `signal` aborts. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        if (this.waiter === done) this.waiter = undefined;
        this.pending = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.waiter = done;
    });
  }
}
