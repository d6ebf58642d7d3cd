import { ServerProcess } from '../http/server-process.js';
import type { Timing } from '../measure.js';
import type { Measured, ResultRow } from '../results.js';
import { SystemUnavailable } from '../systems/types.js';
import { type RowShape, type SuiteContext, skippedRow } from './suite.js';

/** The topic every `http.*` row writes to, on a fresh server. */
export const HTTP_TOPIC = 'orders';

/** What every `http.*` row's note starts with. */
const SERVER_NOTE = 'server in a child process (node + tsx), topic of 1 partition, fsync always';

function message(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const first = err.message.split('\n')[0] ?? '';
  // fetch's "fetch failed" says what went wrong only in its cause.
  return err.cause instanceof Error ? `${first}: ${err.cause.message}` : first;
}

/**
 * A fresh server runs its first requests through cold code (tsx loading, JIT) for a few
 * seconds on a slow machine; `http.*` rows warm up that long at least, so the window measures
 * the server as it runs, not as it starts.
 */
export function serverTiming(ctx: SuiteContext): Timing {
  return {
    warmupMs: Math.max(ctx.timing.warmupMs, ctx.quick ? 3000 : 5000),
    measureMs: Math.max(ctx.timing.measureMs, 1000),
  };
}

/**
 * Starts a fresh server child with an empty topic, measures, and always stops it. A server that
 * cannot start, or a failure, becomes a skipped row with the reason.
 */
export async function measureServerRow(
  ctx: SuiteContext,
  suite: string,
  shape: RowShape,
  measure: (server: ServerProcess) => Promise<Measured>,
): Promise<ResultRow> {
  const system = { name: 'tributary' };
  let server: ServerProcess;
  try {
    server = await ServerProcess.start();
    await server.createTopic(HTTP_TOPIC).catch(async (err: unknown) => {
      await server.stop();
      throw err;
    });
  } catch (err) {
    const reason = err instanceof SystemUnavailable ? err.message : `server start failed: ${message(err)}`;
    return skippedRow(ctx, suite, system, shape, reason);
  }
  try {
    const measured = await measure(server);
    const note = [SERVER_NOTE, measured.note].filter(Boolean).join('; ');
    return { suite, system: system.name, ...shape, event_bytes: ctx.eventBytes, ...measured, note };
  } catch (err) {
    return skippedRow(ctx, suite, system, shape, `failed: ${message(err)}`);
  } finally {
    await server.stop().catch((err: unknown) => ctx.progress(`  server stop failed: ${message(err)}`));
  }
}
