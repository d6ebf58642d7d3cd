import type { ProgressReport } from './types.js';

/** Measures progress from a starting point: rate since the start and the time left at that rate. */
export class ProgressMeter {
  private readonly startedAt = Date.now();

  constructor(private readonly startDone: bigint) {}

  report(done: bigint, total: bigint): ProgressReport {
    const seconds = (Date.now() - this.startedAt) / 1000;
    const progressed = Number(done - this.startDone);
    const ratePerSec = seconds > 0 ? progressed / seconds : 0;
    const left = Number(total > done ? total - done : 0n);
    const etaSeconds = left === 0 ? 0 : ratePerSec > 0 ? left / ratePerSec : Number.POSITIVE_INFINITY;
    return { done, total: total > done ? total : done, ratePerSec, etaSeconds };
  }
}
