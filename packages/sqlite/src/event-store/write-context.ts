// What the jobs of one write transaction share: the next position to give and the commit time.

/** A point to return to when a job's savepoint is rolled back. */
export interface ContextMark {
  readonly nextPosition: number;
  readonly appended: number;
}

/**
 * The state of one open write transaction. Positions are given by the store (the next after the
 * highest ever given), so they increase in commit order and are never reused; `recordedAt` never
 * goes below the newest stored event's, so time filters can find positions through the time index.
 */
export class WriteContext {
  /** Events written by jobs that were not rolled back (listeners are woken when > 0). */
  appended = 0;
  private at: number;

  constructor(
    public nextPosition: number,
    lastRecordedAt: number,
  ) {
    this.at = lastRecordedAt;
  }

  /** The recorded time for events written now: the clock, but never earlier than any before. */
  recordedAt(): number {
    const now = Date.now();
    if (now > this.at) this.at = now;
    return this.at;
  }

  mark(): ContextMark {
    return { nextPosition: this.nextPosition, appended: this.appended };
  }

  restore(mark: ContextMark): void {
    this.nextPosition = mark.nextPosition;
    this.appended = mark.appended;
  }
}
