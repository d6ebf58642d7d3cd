import type { RecordedEvent } from '../ports/event-store.js';
import type { ProjectionContext, ProjectionDefinition } from './types.js';

/** What became of one batch. */
export interface BatchOutcome {
  /** Position of the last event dealt with (handled, skipped or dead-lettered), if any. */
  readonly last: bigint | undefined;
  readonly processed: number;
  readonly skipped: number;
  readonly deadLettered: number;
  /** Set under the `'stop'` policy (or when the dead-letter sink fails): the event not dealt with. */
  readonly failure?: BatchFailure;
}

/** The event a batch stopped at. */
export interface BatchFailure {
  readonly recorded: RecordedEvent;
  readonly error: unknown;
  /** True when the handler's failure could not be dead-lettered (`error` is the sink's). */
  readonly sinkFailed: boolean;
}

/**
 * Hands a batch to the projection; when it throws, hands its events over again one at a time to
 * find the failing ones and applies the projection's error policy to each. Stops at the first
 * event it cannot get past, so the checkpoint never moves beyond an unhandled event.
 */
export async function handleBatch(
  projection: ProjectionDefinition,
  batch: readonly RecordedEvent[],
  ctx: ProjectionContext,
  deadLetter: (recorded: RecordedEvent, error: unknown) => Promise<void>,
): Promise<BatchOutcome> {
  try {
    await projection.handle(batch, ctx);
    return { last: batch.at(-1)?.position, processed: batch.length, skipped: 0, deadLettered: 0 };
  } catch (error) {
    return oneByOne(projection, batch, ctx, deadLetter, batch.length === 1 ? { error } : undefined);
  }
}

async function oneByOne(
  projection: ProjectionDefinition,
  batch: readonly RecordedEvent[],
  ctx: ProjectionContext,
  deadLetter: (recorded: RecordedEvent, error: unknown) => Promise<void>,
  /** The error of a batch of one, which need not be handled again to know it fails. */
  known: { readonly error: unknown } | undefined,
): Promise<BatchOutcome> {
  let last: bigint | undefined;
  let processed = 0;
  let skipped = 0;
  let deadLettered = 0;
  const outcome = (failure?: BatchFailure): BatchOutcome => ({
    last,
    processed,
    skipped,
    deadLettered,
    ...(failure === undefined ? {} : { failure }),
  });
  for (const recorded of batch) {
    const failed = known ?? (await failureOf(projection, recorded, ctx));
    if (failed !== undefined) {
      const { error } = failed;
      if (projection.onError === 'stop') return outcome({ recorded, error, sinkFailed: false });
      if (projection.onError === 'skip') skipped++;
      else {
        try {
          await deadLetter(recorded, error);
        } catch (sinkError) {
          return outcome({ recorded, error: sinkError, sinkFailed: true });
        }
        deadLettered++;
      }
    } else processed++;
    last = recorded.position;
  }
  return outcome();
}

/** Handles one event; returns its error, or `undefined` when it succeeded. */
async function failureOf(
  projection: ProjectionDefinition,
  recorded: RecordedEvent,
  ctx: ProjectionContext,
): Promise<{ error: unknown } | undefined> {
  try {
    await projection.handle([recorded], ctx);
    return undefined;
  } catch (error) {
    return { error };
  }
}
