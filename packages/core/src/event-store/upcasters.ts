// Upcasting: events are stored as written and read as the newest version of their type.
import type { CloudEvent } from '../envelope/types.js';
import { invalidArgument } from '../errors/errors.js';
import type { EventUpcaster } from '../ports/event-store.js';

/** Turns the data of version N of a type into the data of version N + 1. */
export type UpcastFn = (data: unknown, event: CloudEvent) => unknown;

const SCHEMA = /^urn:tributary:schema:(.+):v(\d+)$/;

/**
 * A registry of upcasters, given to an event store as `upcasters`. Register one function per
 * step (`from` → `from + 1`); reading an event of version 1 when steps 1→2 and 2→3 exist returns
 * it as version 3 (`dataschema` updated, id and every other attribute unchanged). Events without
 * a Tributary `dataschema` are returned as they are.
 */
export class Upcasters implements EventUpcaster {
  private readonly steps = new Map<string, Map<number, UpcastFn>>();

  /** Registers the step from version `from` of `type` to `from + 1`. */
  register(type: string, from: number, upcast: UpcastFn): this {
    if (typeof type !== 'string' || type.length === 0)
      throw invalidArgument(`Invalid upcaster type ${JSON.stringify(type)}: expected an event type.`);
    if (!Number.isSafeInteger(from) || from < 1)
      throw invalidArgument(
        `Invalid upcaster version ${String(from)} for "${type}": expected an integer >= 1.`,
      );
    if (typeof upcast !== 'function')
      throw invalidArgument(`Invalid upcaster for "${type}" v${from}: expected a function.`);
    const byVersion = this.steps.get(type) ?? new Map<number, UpcastFn>();
    this.steps.set(type, byVersion);
    if (byVersion.has(from))
      throw invalidArgument(`An upcaster for "${type}" from v${from} is already registered.`);
    byVersion.set(from, upcast);
    return this;
  }

  upcast(event: CloudEvent): CloudEvent {
    const byVersion = this.steps.get(event.type);
    if (byVersion === undefined || event.dataschema === undefined) return event;
    const match = SCHEMA.exec(event.dataschema);
    if (match?.[2] === undefined || match[1] !== event.type) return event;
    let version = Number(match[2]);
    let current = event;
    for (let step = byVersion.get(version); step !== undefined; step = byVersion.get(version)) {
      version += 1;
      current = {
        ...current,
        data: step(current.data, current),
        dataschema: `urn:tributary:schema:${event.type}:v${version}`,
      };
    }
    return current;
  }
}

/** The upcaster of a store without any. */
export const NO_UPCASTING: EventUpcaster = { upcast: (event) => event };
