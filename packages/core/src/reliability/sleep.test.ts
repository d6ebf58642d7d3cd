import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sleep } from './sleep.js';

/** Tracks whether a promise has settled yet, without awaiting it. */
function watch(promise: Promise<void>) {
  const state = { settled: false };
  promise.then(() => {
    state.settled = true;
  });
  return state;
}

describe('sleep', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves after the given time and not before', async () => {
    const done = watch(sleep(1000));
    await vi.advanceTimersByTimeAsync(999);
    expect(done.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done.settled).toBe(true);
  });

  it('resolves early, without rejecting, when the signal aborts, and clears its timer', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(new Error('stop'));
    await expect(pending).resolves.toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves at once for a signal that has already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(sleep(60_000, controller.signal)).resolves.toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops listening to the signal once the time is up', async () => {
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const pending = sleep(5, controller.signal);
    await vi.advanceTimersByTimeAsync(5);
    await pending;
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
  });

  it('treats negative and NaN delays as 0 and clamps delays beyond the timer limit', async () => {
    const negative = watch(sleep(-5));
    const nan = watch(sleep(Number.NaN));
    const huge = watch(sleep(Number.MAX_SAFE_INTEGER));
    await vi.advanceTimersByTimeAsync(0);
    expect([negative.settled, nan.settled]).toEqual([true, true]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(huge.settled).toBe(false);
  });
});
