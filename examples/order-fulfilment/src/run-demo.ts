// One run of the demo: start the system, place orders with failures, show progress, wait for every
// order to end, let the system quieten down, check consistency, summarise.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeadLetter } from '@tributary/core';
import { type ConsistencyReport, checkConsistency, type Violation } from './consistency.js';
import { FaultPlan } from './faults.js';
import { generateLoad } from './load-generator.js';
import { OrderTracker } from './order-tracker.js';
import { deadLettersOf, groupLag, waitUntilQuiet } from './probes.js';
import { type ProgressSample, startProgress } from './progress.js';
import { METRIC } from './run-metrics.js';
import { type System, startSystem } from './system.js';
import { countPublishedEvents, readSystemState } from './system-state.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  readonly orders: number;
  readonly rate: number;
  readonly failureRate: number;
  readonly seed: number;
  /** Data directory; default a fresh temporary one, removed afterwards unless `keep`. */
  readonly data?: string;
  readonly keep?: boolean;
  /** Where to write the JSON summary. */
  readonly json?: string;
  /** How long to wait for every order to end. Default 120000 ms. */
  readonly timeoutMs?: number;
  /** The saga's deadline. Default 30000 ms. */
  readonly sagaDeadlineMs?: number;
  /** Faults to inject besides the random ones (tests force one failure on one order). */
  readonly faults?: FaultPlan;
  /** Prefix of order ids. Default: from the clock. */
  readonly runTag?: string;
  /** Where progress and the report go. Default stdout. */
  readonly out?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Runs after the system is quiet, before the check (tests plant violations here). */
  readonly beforeCheck?: (system: System) => Promise<void> | void;
}

/** The JSON summary (`--json`). */
export interface DemoSummary {
  readonly orders: number;
  readonly completed: number;
  readonly cancelled: number;
  readonly violations: number;
  readonly events: number;
  readonly duration_s: number;
  readonly retries: number;
  readonly dead_letters: number;
}

/** What a run found. */
export interface DemoResult {
  /** 0 when every order ended and the check found nothing; 1 otherwise. */
  readonly exitCode: number;
  readonly summary: DemoSummary;
  readonly violations: readonly Violation[];
  /** Orders that had not ended when the timeout passed. */
  readonly stuck: readonly string[];
}

/** Runs the demo once. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const out = options.out ?? process.stdout;
  const started = performance.now();
  const dataDir = options.data ?? (await mkdtemp(join(tmpdir(), 'order-fulfilment-')));
  const faults = options.faults ?? new FaultPlan();
  const system = await startSystem({ dataDir, faults, sagaDeadlineMs: options.sagaDeadlineMs });
  try {
    out.write(
      `order-fulfilment: ${options.orders} orders at ${options.rate}/s, failure rate ${options.failureRate}, seed ${options.seed}, data ${dataDir}\n`,
    );
    const tracker = new OrderTracker(system.store);
    let placed = 0;
    const progress = startProgress({
      out,
      sample: () => sampleProgress(system, tracker, { placed, total: options.orders }),
    });
    let stuck: string[];
    let quiet: boolean;
    try {
      const orders = await generateLoad({
        orders: options.orders,
        ratePerSec: options.rate,
        failureRate: options.failureRate,
        seed: options.seed,
        runTag: options.runTag ?? Date.now().toString(36),
        maxAttempts: system.retry.maxAttempts,
        faults,
        place: system.placeOrder,
        onPlaced: () => placed++,
      });
      const ids = orders.map((o) => o.orderId);
      stuck = await waitForOrders(tracker, ids, options.timeoutMs ?? 120_000);
      quiet = await waitUntilQuiet(system, 30_000).then(
        () => true,
        (err: Error) => {
          out.write(`\n${err.message}\n`);
          return false;
        },
      );
    } finally {
      await progress.stop();
    }
    if (stuck.length > 0) await reportStuck(system, stuck, out);
    await options.beforeCheck?.(system);

    const state = await readSystemState(system.bus, system.store, system.auditPath);
    const report = checkConsistency(state, { faults, maxAttempts: system.retry.maxAttempts });
    const letters = await deadLettersOf(system.bus, system.groups);
    const summary = summarise(report, system, letters.length, (performance.now() - started) / 1000);
    printReport(report, summary, letters, out);
    if (options.json !== undefined) await writeFile(options.json, `${JSON.stringify(summary, null, 2)}\n`);
    const exitCode = report.violations.length > 0 || stuck.length > 0 || !quiet ? 1 : 0;
    return { exitCode, summary, violations: report.violations, stuck };
  } finally {
    await system.stop();
    if (options.data === undefined && options.keep !== true)
      await rm(dataDir, { recursive: true, force: true });
    else out.write(`data kept in ${dataDir}\n`);
  }
}

/** What the progress line shows now. */
async function sampleProgress(
  system: System,
  tracker: OrderTracker,
  orders: { placed: number; total: number },
): Promise<ProgressSample> {
  await tracker.refresh();
  return {
    ...orders,
    pending: orders.placed - tracker.terminal,
    completed: tracker.completed.size,
    cancelled: tracker.cancelled.size,
    events: await countPublishedEvents(system.bus),
    retries: system.metrics.total(METRIC.retries),
    deadLetters: (await deadLettersOf(system.bus, system.groups)).length,
    lag: (await groupLag(system.bus, system.groups)) + (await system.store.outbox.countPending()),
  };
}

/** Waits until every order ended; returns those that had not when `timeoutMs` passed. */
async function waitForOrders(
  tracker: OrderTracker,
  orderIds: readonly string[],
  timeoutMs: number,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await tracker.refresh();
    const open = orderIds.filter((id) => !tracker.isTerminal(id));
    if (open.length === 0 || Date.now() >= deadline) return open;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Prints where each stuck order is, from its saga instance. */
async function reportStuck(
  system: System,
  stuck: readonly string[],
  out: NodeJS.WritableStream,
): Promise<void> {
  out.write(`\n${stuck.length} orders did not end in time:\n`);
  for (const orderId of stuck.slice(0, 20)) {
    const saga = await system.sagas.get(orderId);
    const where =
      saga === undefined
        ? 'no saga instance (order.created never reached the saga)'
        : `saga ${saga.status}, step ${saga.currentStep ?? '-'}, done [${saga.completedSteps.join(', ')}]${saga.failure === undefined ? '' : `, failure: ${saga.failure}`}`;
    out.write(`  ${orderId}: ${where}\n`);
  }
  if (stuck.length > 20) out.write(`  … and ${stuck.length - 20} more\n`);
}

function summarise(
  report: ConsistencyReport,
  system: System,
  deadLetters: number,
  seconds: number,
): DemoSummary {
  return {
    orders: report.orders,
    completed: report.completed,
    cancelled: report.cancelled,
    violations: report.violations.length,
    events: report.events,
    duration_s: Math.round(seconds * 100) / 100,
    retries: system.metrics.total(METRIC.retries),
    dead_letters: deadLetters,
  };
}

function printReport(
  report: ConsistencyReport,
  summary: DemoSummary,
  letters: readonly DeadLetter[],
  out: NodeJS.WritableStream,
): void {
  out.write(
    `\n${summary.orders} orders: ${summary.completed} completed, ${summary.cancelled} cancelled; ${summary.events} events in ${summary.duration_s} s; ${summary.retries} retries, ${summary.dead_letters} dead letters\n`,
  );
  for (const { failure, type, eventId } of letters.slice(0, 10))
    out.write(
      `  dead letter of ${failure.group}: ${type ?? 'unknown type'} ${eventId ?? ''} after ${failure.attempts} attempts: ${failure.error.errorClass}: ${failure.error.message}\n`,
    );
  if (report.violations.length === 0) {
    out.write('consistency check: OK (every order ended, compensations complete, services reconcile)\n');
    return;
  }
  out.write(`consistency check: ${report.violations.length} violations\n`);
  for (const v of report.violations.slice(0, 50))
    out.write(`  [${v.code}]${v.orderId === undefined ? '' : ` ${v.orderId}:`} ${v.message}\n`);
  if (report.violations.length > 50) out.write(`  … and ${report.violations.length - 50} more\n`);
}
