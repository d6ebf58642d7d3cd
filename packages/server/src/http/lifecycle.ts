/**
 * The server's shutdown state, shared by routes: long-lived work (SSE tails, long-polling fetches)
 * watches `signal` and ends when the server shuts down; work registered with `track` is awaited
 * by the shutdown.
 */
export class Lifecycle {
  private readonly controller = new AbortController();
  private readonly running = new Set<Promise<unknown>>();

  /** Aborted when shutdown begins. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get closing(): boolean {
    return this.controller.signal.aborted;
  }

  /** Remembers long-lived work until it settles, so the shutdown can wait for it. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
    return work;
  }

  /** Begins the shutdown (aborts `signal`) and waits for tracked work, at most `timeoutMs`. */
  async shutdown(timeoutMs: number): Promise<void> {
    this.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    await Promise.race([Promise.all([...this.running]), timeout]);
    clearTimeout(timer);
  }
}
