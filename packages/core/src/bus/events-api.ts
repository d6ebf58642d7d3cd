// The parts of events/, envelope/ and partitioning/ the bus uses, in one place.
export { eventTypeOf, fromLogRecord, toLogRecord } from '../envelope/kafka-binary-codec.js';
export { definitionOf } from '../events/definition-of.js';
export { EventRegistry } from '../events/event-registry.js';
export type { AnyEventDefinition as EventDefinition, EventOf } from '../events/types.js';
export { partitionForKey } from '../partitioning/murmur2.js';
