/** Percentiles and rates for benchmark rows. */

/**
 * The `p`-th percentile (0 < p <= 100) of ascending `sorted` samples by the nearest-rank method:
 * the smallest sample such that at least p% of the samples are <= it. `NaN` for no samples.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * n);
  return sorted[Math.min(n, Math.max(1, rank)) - 1] as number;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Collects latency samples (milliseconds) in a growable typed array: no per-sample allocation. */
export class LatencyRecorder {
  private samples = new Float64Array(1024);
  private n = 0;

  get count(): number {
    return this.n;
  }

  add(ms: number): void {
    if (this.n === this.samples.length) {
      const bigger = new Float64Array(this.samples.length * 2);
      bigger.set(this.samples);
      this.samples = bigger;
    }
    this.samples[this.n++] = ms;
  }

  /** Forgets every sample (used when a warm-up ends). */
  reset(): void {
    this.n = 0;
  }

  summary(): LatencySummary {
    const sorted = this.samples.slice(0, this.n).sort();
    return {
      count: this.n,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: this.n === 0 ? Number.NaN : (sorted[this.n - 1] as number),
    };
  }
}

/** Events per second for `count` events in `elapsedMs`. */
export function eventsPerSecond(count: number, elapsedMs: number): number {
  if (elapsedMs <= 0) throw new RangeError(`elapsed time must be positive, got ${elapsedMs} ms`);
  return (count * 1000) / elapsedMs;
}

/** Megabytes (10^6 bytes) per second of payload for `count` events of `eventBytes` each. */
export function megabytesPerSecond(count: number, eventBytes: number, elapsedMs: number): number {
  return (eventsPerSecond(count, elapsedMs) * eventBytes) / 1e6;
}
