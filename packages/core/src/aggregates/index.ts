// Aggregates in the decider style on top of the EventStore port.
export type {
  DeciderSpecificationThen,
  DeciderSpecificationWhen,
  ErrorMatcher,
  ExpectedEvent,
} from './decider-specification.js';
export { DeciderSpecification } from './decider-specification.js';
export { defineAggregate } from './define-aggregate.js';
export { handleCommand } from './handle-command.js';
export { loadAggregate } from './load-aggregate.js';
export type {
  Aggregate,
  AggregateOptions,
  CommandResult,
  Decider,
  HandleCommandOptions,
  LoadAggregateOptions,
  LoadedAggregate,
  SnapshotCodec,
  SnapshotErrorContext,
} from './types.js';
