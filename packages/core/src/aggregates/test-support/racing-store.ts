// A store whose first writes wait for each other, so handlers that load concurrently are sure to
// have loaded the same version before either writes: a race made deterministic.
import type { EventStore } from '../../ports/event-store.js';

const WRITES: ReadonlySet<PropertyKey> = new Set(['appendToStream', 'transaction']);

/** `store`, except that its first `racers` appends or transactions wait until all have been called. */
export function racingStore(store: EventStore, racers: number): EventStore {
  let arrived = 0;
  let release: () => void = () => {};
  const allArrived = new Promise<void>((resolve) => {
    release = resolve;
  });
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (!WRITES.has(property)) return value.bind(target);
      return async (...args: unknown[]) => {
        if (arrived < racers) {
          arrived++;
          if (arrived === racers) release();
          await allArrived;
        }
        return value.apply(target, args);
      };
    },
  });
}
