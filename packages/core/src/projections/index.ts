// Async projections, rebuilds and replay over the EventStore port.

export { activeProjectionVersion } from './active-version.js';
export type { DeadLetterSink } from './dead-letter-sink.js';
export { defineProjection } from './define-projection.js';
export { ProjectionError } from './errors.js';
export type { RebuildOptions } from './rebuild.js';
export { rebuildProjection } from './rebuild.js';
export type { ReplayOptions, ReplaySelection, ReplayTarget } from './replay.js';
export { replayEvents } from './replay.js';
export { startProjection } from './runner.js';
export type {
  ProgressReport,
  ProjectionContext,
  ProjectionDefinition,
  ProjectionErrorPolicy,
  ProjectionInput,
  ProjectionRunner,
  ProjectionState,
  ProjectionStatus,
  StartProjectionOptions,
} from './types.js';
