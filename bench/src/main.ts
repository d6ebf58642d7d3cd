/**
 * `npm run bench [-- --quick] [--json FILE] [--suite NAME]... [--system NAME]...`
 *
 * Measures Tributary and its peers side by side on this machine, prints one table and optionally
 * writes `{ machine, run, results }` as JSON. See bench/README.md for what each row means.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { meanEventBytes } from './events.js';
import { machineInfo } from './machine.js';
import { FULL_TIMING, QUICK_TIMING } from './measure.js';
import { compareToTributary, type ResultRow } from './results.js';
import { STORE_SYSTEMS } from './store/index.js';
import { SUITES } from './suites/index.js';
import { SYSTEMS } from './systems/index.js';
import { formatTable } from './table.js';

const USAGE = `usage: npm run bench -- [--quick] [--json FILE] [--suite NAME]... [--system NAME]...
  --quick         short rows (log suites < 60 s; event-store suites ≈ 1-2 min, pre-filling included)
  --json FILE     also write the results as JSON
  --suite NAME    only these suites (repeat or comma-separate): ${SUITES.map((s) => s.name).join(', ')}
  --system NAME   only these systems: ${SYSTEMS.map((s) => s.name).join(', ')}
                  (event stores: ${STORE_SYSTEMS.map((s) => s.name).join(', ')})`;

/** Splits repeated/comma-separated values and rejects names not in `known`, naming them. */
function pick<T extends { name: string }>(
  flag: string,
  values: string[] | undefined,
  known: readonly T[],
): T[] {
  if (!values) return [...known];
  const names = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !known.some((k) => k.name === n));
  if (unknown.length > 0) {
    throw new Error(`unknown ${flag} ${unknown.join(', ')}; known: ${known.map((k) => k.name).join(', ')}`);
  }
  return known.filter((k) => names.includes(k.name));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
      suite: { type: 'string', multiple: true },
      system: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const suites = pick('--suite', values.suite, SUITES);
  // Log systems and event stores share one --system filter; each suite measures its own kind.
  const picked = pick('--system', values.system, [...SYSTEMS, ...STORE_SYSTEMS]).map((s) => s.name);
  const systems = SYSTEMS.filter((s) => picked.includes(s.name));
  const storeSystems = STORE_SYSTEMS.filter((s) => picked.includes(s.name));
  const quick = values.quick ?? false;
  const machine = machineInfo();
  const ctx = {
    quick,
    timing: quick ? QUICK_TIMING : FULL_TIMING,
    systems,
    storeSystems,
    eventBytes: meanEventBytes(),
    progress: (line: string) => process.stderr.write(`${line}\n`),
  };
  ctx.progress(
    `${machine.cpu_model}, ${machine.cores} cores, node ${machine.node}${quick ? ', --quick' : ''}`,
  );
  const started = new Date();
  const t0 = performance.now();
  const rows: ResultRow[] = [];
  for (const suite of suites) {
    const suiteStart = performance.now();
    // A system limited to some suites (a peer of one feature) is left out of the others.
    const only = systems.filter((s) => !s.suites || s.suites.includes(suite.name));
    await suite.run({ ...ctx, systems: only }, (row) => {
      rows.push(row);
      const rate = row.events_per_s === null ? row.note : `${Math.round(row.events_per_s)} events/s`;
      ctx.progress(`  -> ${row.system}: ${row.skipped ? `skipped (${row.note})` : rate}`);
    });
    ctx.progress(`${suite.name} done in ${((performance.now() - suiteStart) / 1000).toFixed(1)} s`);
  }
  const durationS = (performance.now() - t0) / 1000;
  compareToTributary(rows);
  console.log(formatTable(rows));
  console.log(`\n${rows.length} rows in ${durationS.toFixed(1)} s`);
  if (values.json) {
    const run = { started_at: started.toISOString(), quick, duration_s: durationS, timing: ctx.timing };
    // npm runs workspace scripts in bench/; a relative path means the directory npm was started in.
    const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), values.json);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify({ machine, run, results: rows }, null, 2)}\n`);
    console.log(`wrote ${file}`);
  }
}

main().then(
  () => process.exit(0), // drivers may hold sockets open; the results are out
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    console.error(USAGE);
    process.exit(2);
  },
);
