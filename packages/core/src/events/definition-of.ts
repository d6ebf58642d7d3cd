/**
 * Links an event object to the definition that created or parsed it, through a symbol-keyed
 * property of its prototype: invisible to JSON, spread and structured clone, so it never reaches
 * the wire, yet lets the bus find an event's default topic without a registry.
 */
import type { CloudEvent } from '../envelope/types.js';
import type { AnyEventDefinition } from './types.js';

// Symbol.for: copies of this package loaded twice still see each other's links.
const DEFINITION: unique symbol = Symbol.for('tributary.eventDefinition');

interface LinkedEvent {
  readonly [DEFINITION]?: AnyEventDefinition;
}

/**
 * The prototype of the event objects a definition makes: it carries the link, so linking costs
 * nothing per event (a per-object property would, and slows JSON.stringify of the event too).
 */
export function linkedPrototype(definition: AnyEventDefinition): object {
  return Object.create(Object.prototype, { [DEFINITION]: { value: definition } });
}

/**
 * The definition whose `create` or `parse` produced this event object, or `undefined` for events
 * made otherwise (decoded from a record, built by hand, or copied with spread/JSON).
 */
export function definitionOf(event: CloudEvent): AnyEventDefinition | undefined {
  return (event as CloudEvent & LinkedEvent)[DEFINITION];
}
