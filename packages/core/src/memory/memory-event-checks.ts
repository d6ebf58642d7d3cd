// Input checks of the in-memory event store on top of the shared ones in ../event-store/checks.ts.
import { invalidArgument } from '../errors/errors.js';
import { resolveEventStoreOptions } from '../event-store/checks.js';
import type { EventStoreOptions } from '../ports/event-store.js';

const KNOWN_OPTIONS = ['upcasters', 'inlineProjections', 'outboxTopic'];

/** Checks `options` and returns them (`{}` when absent). @throws ValidationError `INVALID_ARGUMENT`. */
export function checkEventStoreOptions<Tx>(
  options: EventStoreOptions<Tx> | undefined,
): EventStoreOptions<Tx> {
  if (options === undefined) return {};
  resolveEventStoreOptions(options);
  for (const key of Object.keys(options))
    if (!KNOWN_OPTIONS.includes(key))
      throw invalidArgument(`Unknown event store option "${key}"; known: ${KNOWN_OPTIONS.join(', ')}.`);
  return options;
}
