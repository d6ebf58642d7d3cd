import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@tributary/core/internal';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteExactlyOnce } from './exactly-once.js';
import { tempDb } from './test-support/temp-db.js';

const WORKER = fileURLToPath(new URL('./test-support/crash-worker.ts', import.meta.url));
const KILLS = Number(process.env.TRIB_CRASH_KILLS ?? 10);

/** Starts the worker; collects its `ack` lines and whether it is inside the hanging effect. */
function startWorker(file: string, hangAt: number) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@tributary/source', '--import', 'tsx', WORKER, file, String(hangAt)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const acks: { index: number; applied: boolean }[] = [];
  let ready = false;
  let inside = false;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line === 'ready') ready = true;
    if (line.startsWith('inside ')) inside = true;
    const m = /^ack (\d+) (applied|skipped)$/.exec(line);
    if (m) acks.push({ index: Number(m[1]), applied: m[2] === 'applied' });
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, acks, exited, isReady: () => ready, isInside: () => inside };
}

/** Reads the database after a crash and asserts effects, marks and offset agree; returns how many events took effect. */
function verify(eo: SqliteExactlyOnce): number {
  const effects = eo.db
    .prepare('SELECT event_id AS id, COUNT(*) AS n FROM effects GROUP BY event_id')
    .all() as { id: string; n: number }[];
  const duplicated = effects.filter((e) => e.n !== 1).map((e) => `${e.id}×${e.n}`);
  expect(duplicated, 'effects applied more than once').toEqual([]);
  const marks = eo.db
    .prepare("SELECT event_id FROM tributary_dedupe WHERE group_name = 'crash'")
    .pluck()
    .all() as string[];
  const effectIds = effects.map((e) => e.id).sort();
  expect(marks.sort(), 'dedupe marks equal effect rows').toEqual(effectIds);
  // Events run in order, so what took effect is exactly the prefix e0..e(k-1), and the offset is k.
  const k = effectIds.length;
  expect(effectIds).toEqual(Array.from({ length: k }, (_, i) => `e${i}`).sort());
  expect(eo.committedOffset('crash', 'crash', 0)).toBe(k === 0 ? undefined : BigInt(k));
  return k;
}

/**
 * Kills a worker `kills` times on `file` (every other time inside an effect, before its commit),
 * and after each kill checks the database and re-runs the same events from the start in-process.
 * Returns how many events took effect in the end.
 */
async function crashLane(file: string, kills: number): Promise<number> {
  let done = 0; // events e0..e(done-1) have taken effect
  for (let kill = 0; kill < kills; kill++) {
    const betweenEffectAndCommit = kill % 2 === 1;
    const hangAt = betweenEffectAndCommit ? done + Math.floor(Math.random() * 20) : -1;
    const worker = startWorker(file, hangAt);
    await waitFor(worker.isReady, { timeoutMs: 20_000, message: 'the worker to open the database' });
    if (betweenEffectAndCommit) {
      await waitFor(worker.isInside, { timeoutMs: 20_000, message: `the worker inside effect e${hangAt}` });
    } else {
      // A random moment: sometimes while re-running (skipping) old events, mostly while applying new ones.
      const target = Math.floor(Math.random() * 40);
      const applied = () => worker.acks.filter((a) => a.applied).length;
      await waitFor(() => applied() >= target, { timeoutMs: 20_000, message: `${target} applied events` });
      await new Promise((r) => setTimeout(r, Math.random() * 10));
    }
    worker.child.kill('SIGKILL');
    await worker.exited;

    // The re-run from the start skipped exactly the events that had already taken effect.
    for (const ack of worker.acks)
      expect(ack.applied, `e${ack.index} in run ${kill}`).toBe(ack.index >= done);

    const eo = new SqliteExactlyOnce(file);
    try {
      const k = verify(eo);
      // Every acknowledged apply is durable; a kill inside an effect left nothing of that event.
      for (const ack of worker.acks) expect(ack.index).toBeLessThan(k);
      if (betweenEffectAndCommit) expect(k).toBe(hangAt);
      // Re-run the same events from the start, plus five new ones: only the new ones take effect.
      const outcomes = Array.from({ length: k + 5 }, (_, i) =>
        eo.apply(
          { group: 'crash', eventId: `e${i}`, topic: 'crash', partition: 0, nextOffset: BigInt(i + 1) },
          (tx) => tx.run('INSERT INTO effects (event_id) VALUES (?)', `e${i}`),
        ),
      );
      expect(outcomes.filter((o) => o.applied).length).toBe(5);
      expect(verify(eo)).toBe(k + 5);
      done = k + 5;
    } finally {
      eo.close();
    }
  }
  return done;
}

describe('exactly-once effects across crashes', () => {
  const temps = [tempDb('tributary-eo-crash-'), tempDb('tributary-eo-crash-')];
  afterAll(() => {
    for (const t of temps) t.cleanup();
  });

  it(`applies every effect exactly once across ${KILLS} SIGKILLs, half of them between effect and commit`, async () => {
    // Two databases killed in parallel: the same coverage in half the time (worker start-up dominates).
    const perLane = Math.ceil(KILLS / temps.length);
    const done = await Promise.all(temps.map((t) => crashLane(t.file, perLane)));
    for (const d of done) expect(d).toBeGreaterThanOrEqual(perLane * 5);
  }, 120_000);
});
