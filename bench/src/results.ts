/** One row of the results table and of the `--json` file (snake_case keys, as the issue fixes). */
export interface ResultRow {
  readonly suite: string;
  readonly system: string;
  /** Events per second (`null` when skipped or not a throughput row). */
  readonly events_per_s: number | null;
  /** Payload megabytes (10^6 bytes) per second: events_per_s × event_bytes. */
  readonly mb_per_s: number | null;
  /** Median latency in ms: of one publish call, or of one event's delivery in `log.e2e`. */
  readonly p50_ms: number | null;
  /** 99th-percentile latency in ms, same meaning as `p50_ms`. */
  readonly p99_ms: number | null;
  /** Events per publish call. */
  readonly batch: number | null;
  /** Publishers (or, in `consumer.process`, handlers) running at once. */
  readonly concurrency: number | null;
  /**
   * `consumer.process`: the delivery guarantee and failure injection of the row (e.g.
   * `at-least-once`); rows are compared with Tributary's row of the same mode.
   */
  readonly mode?: string;
  /** Mean JSON size of one event's data (identical for every system). */
  readonly event_bytes: number;
  /** Peak resident set size of the measuring process, MB (`log.memory`). */
  readonly rss_mb?: number;
  /** True when the system could not run this row; `note` says why. */
  readonly skipped?: boolean;
  /** Caveats (durability of the peer, why skipped). */
  readonly note?: string;
  /** Server or library version. */
  readonly system_version?: string;
  /** Events measured (publish/e2e), held by the log being read (consume/memory), or handled (consumer.process). */
  readonly events?: number;
  /** `log.e2e`: the fixed publish rate, events/s. */
  readonly rate?: number;
  /**
   * How many times better Tributary did than this row in the same suite and shape (>1: Tributary
   * better): its throughput ÷ this row's, or for `log.e2e` this row's p99 ÷ Tributary's p99, for
   * `store.load` this row's p50 ÷ Tributary's p50. Store rows compare with Tributary's adapter on
   * the same database (see `tributaryReference`).
   */
  tributary_advantage?: number;
}

/** What a measured row adds to its suite/system/shape. */
export type Measured = Omit<ResultRow, 'suite' | 'system' | 'batch' | 'concurrency' | 'event_bytes'>;

/**
 * The Tributary row a system's row is compared with: for the event stores, Tributary's adapter
 * on the same database (PostgreSQL peers against `tributary-postgres`; each Tributary adapter
 * against itself); for the log suites, `tributary`.
 */
export function tributaryReference(system: string): string {
  return TRIBUTARY_REFERENCE[system] ?? 'tributary';
}

const TRIBUTARY_REFERENCE: Readonly<Record<string, string>> = {
  'tributary-sqlite': 'tributary-sqlite',
  'tributary-postgres': 'tributary-postgres',
  'pg-plain': 'tributary-postgres',
  'emmett-postgresql': 'tributary-postgres',
};

/** Suites whose rows are compared by latency (lower is better) rather than throughput. */
const BY_P99 = new Set(['log.e2e']);
const BY_P50 = new Set(['store.load']);

/**
 * Fills `tributary_advantage` on every row that has a Tributary row (see
 * {@link tributaryReference}) of the same suite and shape: the same mode when the row has one
 * (each system then runs at its own concurrency), else the same batch and concurrency.
 */
export function compareToTributary(rows: ResultRow[]): void {
  const sameShape = (a: ResultRow, b: ResultRow) =>
    a.mode !== undefined || b.mode !== undefined
      ? a.mode === b.mode
      : a.batch === b.batch && a.concurrency === b.concurrency;
  for (const row of rows) {
    const reference = tributaryReference(row.system);
    const trib = rows.find(
      (r) => r.system === reference && r.suite === row.suite && sameShape(r, row) && !r.skipped,
    );
    if (!trib || row.skipped) continue;
    if (BY_P99.has(row.suite)) {
      if (row.p99_ms !== null && trib.p99_ms) row.tributary_advantage = row.p99_ms / trib.p99_ms;
    } else if (BY_P50.has(row.suite)) {
      if (row.p50_ms !== null && trib.p50_ms) row.tributary_advantage = row.p50_ms / trib.p50_ms;
    } else if (row.suite !== 'log.memory' && row.events_per_s && trib.events_per_s !== null) {
      row.tributary_advantage = trib.events_per_s / row.events_per_s;
    }
  }
}
