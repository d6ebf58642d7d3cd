import { invalidArgument } from '../errors/errors.js';
import type { EventTypes } from './types.js';

/**
 * The type strings of an {@link EventTypes} option; `where` names the option in errors.
 * @throws ValidationError `INVALID_ARGUMENT` for an entry that is neither a type nor a definition.
 */
export function typeSet(types: EventTypes | undefined, where: string, required = false): Set<string> {
  const list: readonly unknown[] = types === undefined ? [] : Array.isArray(types) ? types : [types];
  const out = new Set<string>();
  for (const entry of list) {
    const type = typeof entry === 'string' ? entry : typeOfDefinition(entry);
    if (type === undefined || type.length === 0)
      throw invalidArgument(
        `${where} must be an event type, an event definition or a list of them; got ${describe(entry)}.`,
      );
    out.add(type);
  }
  if (required && out.size === 0) throw invalidArgument(`${where} needs at least one event type.`);
  return out;
}

function typeOfDefinition(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null || !('type' in entry)) return undefined;
  return typeof entry.type === 'string' ? entry.type : undefined;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return value === null ? 'null' : typeof value;
}
