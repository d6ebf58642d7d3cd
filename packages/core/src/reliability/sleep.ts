/** setTimeout's limit: larger delays fire after 1 ms, so clamp to it. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * `setTimeout` as a promise, cancellable by an AbortSignal: resolves after `ms`, or early when
 * `signal` aborts (at once if it already has). Never rejects, so a stopping consumer can abort all
 * its back-off waits and carry on with shutdown. Negative or NaN delays count as 0.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const delay = Number.isNaN(ms) ? 0 : Math.min(Math.max(ms, 0), MAX_TIMER_MS);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delay);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
