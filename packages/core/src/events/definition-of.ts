/**
 * Links an event object to the definition that created or parsed it, through a non-enumerable
 * symbol-keyed property: invisible to JSON, spread and structured clone, so it never reaches the
 * wire, yet lets the bus find an event's default topic without a registry.
 */
import type { CloudEvent } from '../envelope/types.js';
import type { AnyEventDefinition } from './types.js';

// Symbol.for: copies of this package loaded twice still see each other's links.
const DEFINITION: unique symbol = Symbol.for('tributary.eventDefinition');

interface LinkedEvent {
  readonly [DEFINITION]?: AnyEventDefinition;
}

/** Attaches `definition` to `event` (a fresh object made by the definition). */
export function linkDefinition<E extends CloudEvent>(event: E, definition: AnyEventDefinition): E {
  Object.defineProperty(event, DEFINITION, {
    value: definition,
    enumerable: false,
    writable: false,
    configurable: false,
  });
  return event;
}

/**
 * The definition whose `create` or `parse` produced this event object, or `undefined` for events
 * made otherwise (decoded from a record, built by hand, or copied with spread/JSON).
 */
export function definitionOf(event: CloudEvent): AnyEventDefinition | undefined {
  return (event as CloudEvent & LinkedEvent)[DEFINITION];
}
