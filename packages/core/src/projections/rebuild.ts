import { invalidArgument } from '../errors/errors.js';
import type { EventStore } from '../ports/event-store.js';
import { DEFAULT_BATCH_SIZE } from '../workers/loop-options.js';
import { activeProjectionVersion, recordActiveVersion } from './active-version.js';
import { defineProjection } from './define-projection.js';
import { ProjectionError } from './errors.js';
import { projectionCheckpointName } from './names.js';
import { ProgressMeter } from './progress.js';
import { startProjection } from './runner.js';
import type { ProgressReport, ProjectionInput, ProjectionRunner, StartProjectionOptions } from './types.js';

/** Options of {@link rebuildProjection}: those of `startProjection` plus progress and control. */
export interface RebuildOptions extends StartProjectionOptions {
  /**
   * Called every `progressIntervalMs` and once at the end. `done` is the new version's checkpoint
   * and `total` the store's head position, both global positions (not event counts: a position
   * holding an event of another type counts too, and the head moves while appends go on). The
   * last report, when the new version becomes active, has `done = total` (the position it caught
   * up to) and `etaSeconds = 0`.
   */
  readonly onProgress?: (progress: ProgressReport) => void;
  /** Default 1000 ms. */
  readonly progressIntervalMs?: number;
  /**
   * Delete the new version's checkpoint first and start again from position 0 (drop its tables
   * too). Default false: an interrupted rebuild resumes from its checkpoint.
   */
  readonly fromScratch?: boolean;
  /** Aborting stops the rebuild's runner and rejects with `CLOSED`; the active version stays. */
  readonly signal?: AbortSignal;
}

/**
 * Rebuilds a projection without downtime: runs version N+1 (`projection.version`, which must be
 * above the active version) from the start of the log while version N keeps running and serving.
 * Once N+1 has caught up with the head it is recorded as the active version (see
 * `activeProjectionVersion`) and its runner — still running, now live — is returned; the caller
 * then stops version N, switches reads to the N+1 tables and drops the N tables. Handlers get
 * `ctx.version`, so each version writes its own tables (`orders_v2`).
 *
 * @throws ValidationError `INVALID_ARGUMENT` when the version is not above the active one.
 * @throws ProjectionError `PERMANENT_FAILURE` when the new version's handler fails (`'stop'`
 *   policy), `CLOSED` when `signal` aborts. The runner is stopped then; the active version stays.
 */
export async function rebuildProjection(
  store: EventStore,
  projection: ProjectionInput,
  options: RebuildOptions = {},
): Promise<ProjectionRunner> {
  const definition = defineProjection(projection);
  const { onProgress, progressIntervalMs = 1000, fromScratch = false, signal, ...startOptions } = options;
  checkRebuildOptions(onProgress, progressIntervalMs);
  const active = await activeProjectionVersion(store, definition.name);
  if (active !== undefined && definition.version <= active)
    throw invalidArgument(
      `rebuildProjection: projection "${definition.name}" v${definition.version} is not above the active version ${active}: bump version to ${active + 1}.`,
    );
  const checkpointName = projectionCheckpointName(definition.name, definition.version);
  if (fromScratch) await store.checkpoints.delete(checkpointName);
  const meter = new ProgressMeter((await store.checkpoints.get(checkpointName)) ?? 0n);
  if (signal?.aborted) throw aborted(definition, signal);
  const runner = startProjection(store, definition, startOptions);
  const report = (final = false): void => {
    const { checkpoint, head } = runner.status();
    onProgress?.(meter.report(checkpoint, final ? checkpoint : head));
  };
  const timer = onProgress === undefined ? undefined : setInterval(() => report(), progressIntervalMs);
  try {
    await catchUp(store, runner, startOptions.batchSize ?? DEFAULT_BATCH_SIZE, signal);
    await recordActiveVersion(store, definition.name, definition.version);
    report(true);
    return runner;
  } catch (error) {
    await runner.stop();
    throw error;
  } finally {
    clearInterval(timer);
  }
}

/**
 * Waits until the runner is caught up with a head that stopped moving by more than a batch while
 * it caught up: the first pass covers the history, the next ones the appends made meanwhile.
 */
async function catchUp(
  store: EventStore,
  runner: ProjectionRunner,
  batchSize: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  for (;;) {
    const target = await store.headPosition();
    await abortable(runner.whenCaughtUp({ timeoutMs: Number.POSITIVE_INFINITY }), runner, signal);
    if ((await store.headPosition()) - target <= BigInt(batchSize)) return;
  }
}

function abortable(
  wait: Promise<void>,
  runner: ProjectionRunner,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (signal === undefined) return wait;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(aborted(runner, signal));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    wait.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function aborted(projection: { name: string; version: number }, signal: AbortSignal): ProjectionError {
  return new ProjectionError(
    'CLOSED',
    `Rebuild of projection "${projection.name}" v${projection.version} was aborted; the active version is unchanged.`,
    { cause: signal.reason },
  );
}

function checkRebuildOptions(onProgress: unknown, progressIntervalMs: unknown): void {
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw invalidArgument('rebuildProjection: option onProgress must be a function.');
  if (
    typeof progressIntervalMs !== 'number' ||
    !Number.isSafeInteger(progressIntervalMs) ||
    progressIntervalMs < 1
  )
    throw invalidArgument('rebuildProjection: option progressIntervalMs must be a positive integer of ms.');
}
