import { performance } from 'node:perf_hooks';
import { LatencyRecorder, type LatencySummary } from './stats.js';

/** How long rows run: short in `--quick`, a few seconds otherwise. */
export interface Timing {
  readonly warmupMs: number;
  readonly measureMs: number;
}

export const QUICK_TIMING: Timing = { warmupMs: 150, measureMs: 650 };
export const FULL_TIMING: Timing = { warmupMs: 500, measureMs: 3000 };

export interface Measurement {
  readonly events: number;
  readonly elapsedMs: number;
  /** Latency of one `op` call. */
  readonly latency: LatencySummary;
}

/**
 * Runs `concurrency` workers, each calling `op` back to back (an op returns how many events it
 * did). Ops started during the warm-up are not counted; ops started in the measuring window are
 * counted, and the window is closed when the last of them completes, so nothing is half-counted.
 */
export async function measureWorkers(
  concurrency: number,
  timing: Timing,
  op: () => Promise<number>,
): Promise<Measurement> {
  const begin = performance.now();
  const start = begin + timing.warmupMs;
  const stop = start + timing.measureMs;
  const recorder = new LatencyRecorder();
  let events = 0;
  let end = stop;
  const worker = async (): Promise<void> => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= stop) return;
      const n = await op();
      const t1 = performance.now();
      if (t0 >= start) {
        events += n;
        recorder.add(t1 - t0);
        if (t1 > end) end = t1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { events, elapsedMs: end - start, latency: recorder.summary() };
}

/** Resolves when `done()` is true, polling every `everyMs`; rejects naming `what` after `timeoutMs`. */
export async function waitFor(
  done: () => boolean,
  what: string,
  timeoutMs: number,
  everyMs = 2,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
