import type { Timing } from '../measure.js';
import type { Measured, ResultRow } from '../results.js';
import { eventsPerSecond, megabytesPerSecond } from '../stats.js';
import type { StoreSystem } from '../store/types.js';
import { type BenchSystem, SystemUnavailable } from '../systems/types.js';

/** What every suite gets from the command line. */
export interface SuiteContext {
  readonly quick: boolean;
  readonly timing: Timing;
  /** The systems selected with `--system` (all by default), in table order. */
  readonly systems: readonly BenchSystem[];
  /** The event stores selected with `--system` (all by default), for the `store.*` suites. */
  readonly storeSystems: readonly StoreSystem[];
  readonly eventBytes: number;
  /** Progress for the terminal (stderr); not part of the results. */
  readonly progress: (line: string) => void;
}

/** A suite measures one property for every selected system; each row is emitted when done. */
export interface Suite {
  readonly name: string;
  readonly description: string;
  run(ctx: SuiteContext, emit: (row: ResultRow) => void): Promise<void>;
}

/** The fixed columns of a row. */
export interface RowShape {
  readonly batch: number | null;
  readonly concurrency: number | null;
  /** `consumer.process`: the row's delivery mode; it leads the row's note. */
  readonly mode?: string;
}

/** What a row needs of a system: its name, its caveat, and a fresh session. */
export interface MeasuredSystem<Session> {
  readonly name: string;
  readonly note?: string;
  open(): Promise<Session>;
}

/** What a row needs of a session: its caveat (it overrides the system's) and version, and closing it. */
export interface MeasuredSession {
  readonly note?: string;
  readonly version?: string;
  close(): Promise<void>;
}

export function skippedRow(
  ctx: SuiteContext,
  suite: string,
  system: { readonly name: string },
  shape: RowShape,
  reason: string,
): ResultRow {
  return {
    suite,
    system: system.name,
    events_per_s: null,
    mb_per_s: null,
    p50_ms: null,
    p99_ms: null,
    ...shape,
    event_bytes: ctx.eventBytes,
    skipped: true,
    note: shape.mode ? `${shape.mode}: ${reason}` : reason,
  };
}

/**
 * Opens a fresh session of `system`, measures, and always closes it. An unreachable server or a
 * failure becomes a skipped row with the reason instead of ending the run.
 */
export async function measureRow<Session extends MeasuredSession>(
  ctx: SuiteContext,
  suite: string,
  system: MeasuredSystem<Session>,
  shape: RowShape,
  measure: (session: Session) => Promise<Measured>,
): Promise<ResultRow> {
  let session: Session;
  try {
    session = await system.open();
  } catch (err) {
    const reason = err instanceof SystemUnavailable ? err.message : `open failed: ${String(err)}`;
    return skippedRow(ctx, suite, system, shape, reason);
  }
  try {
    const measured = await measure(session);
    const note = [shape.mode, session.note ?? system.note, measured.note].filter(Boolean).join('; ');
    return {
      suite,
      system: system.name,
      ...shape,
      event_bytes: ctx.eventBytes,
      ...measured,
      ...(note ? { note } : {}),
      ...(session.version ? { system_version: session.version } : {}),
    };
  } catch (err) {
    return skippedRow(
      ctx,
      suite,
      system,
      shape,
      `failed: ${err instanceof Error ? err.message : String(err)}`,
    );
  } finally {
    await session
      .close()
      .catch((err: unknown) => ctx.progress(`  ${system.name}: close failed: ${String(err)}`));
  }
}

/** The throughput columns for `events` events in `elapsedMs`. */
export function rates(
  ctx: SuiteContext,
  events: number,
  elapsedMs: number,
): Pick<ResultRow, 'events_per_s' | 'mb_per_s'> {
  return {
    events_per_s: eventsPerSecond(events, elapsedMs),
    mb_per_s: megabytesPerSecond(events, ctx.eventBytes, elapsedMs),
  };
}
