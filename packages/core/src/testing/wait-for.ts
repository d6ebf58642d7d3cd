/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** Time between checks. Default 5 ms. */
  readonly intervalMs?: number;
  /** Names the condition in the timeout error. */
  readonly message?: string;
}

/**
 * Resolves once `condition` returns (or resolves to) a truthy value, checking it every `intervalMs`;
 * rejects when it is still falsy after `timeoutMs`. For tests: await a state instead of sleeping a
 * fixed time. Errors thrown by the condition are rethrown at once.
 */
export async function waitFor(
  condition: () => unknown,
  timeoutMsOrOptions: number | WaitForOptions = {},
): Promise<void> {
  const options =
    typeof timeoutMsOrOptions === 'number' ? { timeoutMs: timeoutMsOrOptions } : timeoutMsOrOptions;
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 5;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() >= deadline) {
      const what = options.message ?? condition.toString();
      throw new Error(`waitFor: condition not met within ${timeoutMs} ms: ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
