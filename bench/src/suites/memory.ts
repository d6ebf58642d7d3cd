import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { OrderGenerator } from '../events.js';
import { loadTributary, TOPIC } from '../systems/tributary.js';
import { SystemUnavailable } from '../systems/types.js';
import { rates, type Suite, type SuiteContext, skippedRow } from './suite.js';

const run = promisify(execFile);
const GOAL_MB = 200;
const CACHE = process.env.TRIB_BENCH_CACHE ?? path.join(os.tmpdir(), 'tributary-bench-cache');

interface ChildReport {
  readonly events: number;
  readonly elapsedMs: number;
  readonly baselineMb: number;
  readonly peakMb: number;
}

/** Writes `count` events once into `dir` (reused by later runs: a marker file says it is complete). */
async function ensureLog(ctx: SuiteContext, dir: string, count: number, fresh: boolean): Promise<void> {
  const marker = path.join(dir, 'bench-complete.json');
  if (!fresh && fs.existsSync(marker)) return;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  ctx.progress(`log.memory: writing ${count} events to ${dir} (once, cached)`);
  const { connect, OrderPlaced } = await loadTributary();
  const bus = await connect(`file:${path.join(dir, 'data')}`);
  // Generation speed is not measured; the reader does not care how the data was synced.
  await bus.createTopic(TOPIC, { partitions: 1, fsync: 'never' });
  // Publish 1000 real events, then append copies of their records through the Log port: the
  // same record shapes at the engine's raw speed (the first run of --quick stays short).
  const gen = new OrderGenerator();
  await bus.publishBatch(gen.batch(Math.min(1000, count)).map((o) => OrderPlaced.create(o)));
  const { records } = await bus.log.fetch(TOPIC, 0, 0n, { maxBytes: 8 << 20 });
  for (let written = records.length; written < count; ) {
    const batch = records.slice(0, Math.min(records.length, count - written));
    written += batch.length;
    await bus.log.append(TOPIC, 0, batch);
  }
  await bus.close();
  fs.writeFileSync(marker, JSON.stringify({ count, writtenAt: new Date().toISOString() }));
}

async function readInChild(dir: string): Promise<ChildReport> {
  const child = fileURLToPath(new URL('./memory-child.ts', import.meta.url));
  const tsx = import.meta.resolve('tsx');
  const args = ['--conditions=@tributary/source', '--import', tsx, child, path.join(dir, 'data'), TOPIC];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20 });
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as ChildReport;
}

/** `log.memory`: peak RSS of a process reading a big log end to end (Tributary only). */
export const memorySuite: Suite = {
  name: 'log.memory',
  description: `peak RSS of a fresh process reading a large log end to end (goal < ${GOAL_MB} MB)`,
  async run(ctx, emit) {
    const tributary = ctx.systems.find((s) => s.name === 'tributary');
    if (!tributary) return;
    const count = ctx.quick ? 1_000_000 : 10_000_000;
    const shape = { batch: null, concurrency: 1 };
    const dir = path.join(CACHE, `log-memory-${count}`);
    ctx.progress(`log.memory tributary (${count} events)`);
    let report: ChildReport | undefined;
    let lastError = '';
    for (const fresh of [false, true]) {
      try {
        await ensureLog(ctx, dir, count, fresh);
        report = await readInChild(dir);
        if (report.events === count) break;
        lastError = `child read ${report.events} events, expected ${count}`;
      } catch (err) {
        if (err instanceof SystemUnavailable) lastError = err.message;
        else lastError = `failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
        if (err instanceof SystemUnavailable) break;
      }
      report = undefined;
    }
    if (!report) {
      emit(skippedRow(ctx, this.name, tributary, shape, lastError));
      return;
    }
    emit({
      suite: this.name,
      system: 'tributary',
      ...rates(ctx, report.events, report.elapsedMs),
      p50_ms: null,
      p99_ms: null,
      ...shape,
      event_bytes: ctx.eventBytes,
      rss_mb: report.peakMb,
      events: report.events,
      note: `peak RSS incl. ${report.baselineMb.toFixed(0)} MB runtime before open; goal < ${GOAL_MB} MB`,
    });
  },
};
