import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument, ValidationError } from '../errors/errors.js';
import type { AnyEventDefinition, EventOf } from './types.js';

const MAX_LISTED_TYPES = 20;

/**
 * The event types a consumer knows, by `type`: finds the definition of a consumed event and
 * validates its data.
 *
 * ```ts
 * const registry = new EventRegistry([OrderPlaced, OrderShipped]);
 * const event = registry.parse(fromLogRecord(record)); // EventOf<typeof OrderPlaced | typeof OrderShipped>
 * ```
 */
export class EventRegistry<D extends AnyEventDefinition = AnyEventDefinition> {
  readonly #byType = new Map<string, D>();

  /** @throws ValidationError `INVALID_ARGUMENT` when two definitions share a type, or one is not a definition. */
  constructor(definitions: Iterable<D>) {
    for (const definition of definitions) {
      if (typeof definition !== 'object' || definition === null || typeof definition.type !== 'string') {
        throw invalidArgument(
          'EventRegistry: every entry must be an event definition made by defineEvent().',
        );
      }
      const existing = this.#byType.get(definition.type);
      if (existing !== undefined) {
        throw invalidArgument(
          `EventRegistry: event type "${definition.type}" is defined twice (v${existing.version} and v${definition.version}); register one definition per type.`,
          [{ path: definition.type, message: 'duplicate event type' }],
        );
      }
      this.#byType.set(definition.type, definition);
    }
  }

  /** The definition of `type`, or `undefined`. */
  get<T extends D['type']>(type: T): Extract<D, { readonly type: T }> | undefined;
  get(type: string): D | undefined;
  get(type: string): D | undefined {
    return this.#byType.get(type);
  }

  has(type: string): boolean {
    return this.#byType.has(type);
  }

  /** Every registered type, in registration order. */
  types(): string[] {
    return [...this.#byType.keys()];
  }

  /** Every registered definition, in registration order. */
  definitions(): D[] {
    return [...this.#byType.values()];
  }

  /**
   * Validates an event with the definition of its type and returns the parsed copy.
   * @throws ValidationError `UNKNOWN_EVENT_TYPE` when no definition has the event's type;
   *   `SCHEMA_MISMATCH` naming every failing field when its data does not match.
   */
  parse(event: CloudEvent): EventOf<D> {
    const definition = this.#byType.get(event.type);
    if (definition === undefined) {
      const known = this.types();
      const listed =
        known.slice(0, MAX_LISTED_TYPES).join(', ') + (known.length > MAX_LISTED_TYPES ? ', …' : '');
      throw new ValidationError(
        'UNKNOWN_EVENT_TYPE',
        `Unknown event type "${event.type}" (event ${event.id}); known types: ${listed || '(none)'}. Register its definition in the EventRegistry.`,
        [{ path: 'type', message: `no definition for "${event.type}"` }],
      );
    }
    return definition.parse(event) as EventOf<D>;
  }
}
