import { TributaryError } from '../errors/errors.js';
import type { TimerErrorContext } from './types.js';

/** Writes a timer-service error to stderr (the default of `BusOptions.onTimerError`). */
export function logTimerError(error: unknown, ctx: TimerErrorContext): void {
  const message = error instanceof Error ? error.message : String(error);
  const timer = ctx.timerId === undefined ? '' : ` (timer ${ctx.timerId} for topic "${ctx.topic}")`;
  console.error(`[tributary] timers ${ctx.phase} error${timer}: ${message}`);
}

/** `CLOSED`: the bus (and its timer service) stopped. */
export function closed(): TributaryError {
  return new TributaryError(
    'CLOSED',
    'The bus is closed: scheduled publishes cannot be listed or cancelled. Connect again.',
  );
}
