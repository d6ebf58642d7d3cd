import type { Measured, ResultRow } from '../results.js';
import type { StoreSession, StoreSystem } from '../store/types.js';
import { SystemUnavailable } from '../systems/types.js';
import { type RowShape, type SuiteContext, skippedRow } from './suite.js';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Opens a fresh store of `system`, measures, and always closes it (dropping its schema or file).
 * An unreachable server, a missing adapter or a failure becomes a skipped row with the reason.
 */
export async function measureStoreRow(
  ctx: SuiteContext,
  suite: string,
  system: StoreSystem,
  shape: RowShape,
  measure: (session: StoreSession) => Promise<Measured>,
): Promise<ResultRow> {
  let session: StoreSession;
  try {
    session = await system.open();
  } catch (err) {
    const reason = err instanceof SystemUnavailable ? err.message : `open failed: ${message(err)}`;
    return skippedRow(ctx, suite, system, shape, reason);
  }
  try {
    const measured = await measure(session);
    const note = [shape.mode, system.note, session.note, measured.note].filter(Boolean).join('; ');
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
    return skippedRow(ctx, suite, system, shape, `failed: ${message(err)}`);
  } finally {
    await session
      .close()
      .catch((err: unknown) => ctx.progress(`  ${system.name}: close failed: ${message(err)}`));
  }
}
