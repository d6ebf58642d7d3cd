/**
 * The trivial aggregate every `store.load` row folds: how many orders a stream holds and their
 * summed totals. Deliberately cheap, so a row measures reading and decoding, not the fold.
 */
export interface OrderTotals {
  readonly count: number;
  /** Sum of the orders' `total` (cents). */
  readonly total: number;
}

export const EMPTY_TOTALS: OrderTotals = { count: 0, total: 0 };

/** The snapshot schema version of {@link OrderTotals}; a loader ignores snapshots of another one. */
export const TOTALS_SCHEMA_VERSION = 'order-totals-v1';

/** `value[key]` of an object, `undefined` otherwise (events arrive as untyped JSON). */
export function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Folds one event's data (an `Order`) onto `state`. Throws on data without a numeric `total`, so a
 * store that returns the wrong payload fails its row instead of reporting a fast, wrong load.
 */
export function evolveOrderTotals(state: OrderTotals, data: unknown): OrderTotals {
  const total = fieldOf(data, 'total');
  if (typeof total !== 'number') {
    throw new Error(`event data has no numeric "total": ${JSON.stringify(data)?.slice(0, 120)}`);
  }
  return { count: state.count + 1, total: state.total + total };
}

/** Folds every item's data onto `state`. */
export function foldOrderTotals<T>(
  state: OrderTotals,
  items: Iterable<T>,
  dataOf: (item: T) => unknown,
): OrderTotals {
  let s = state;
  for (const item of items) s = evolveOrderTotals(s, dataOf(item));
  return s;
}

/** Whether a snapshot's state is an {@link OrderTotals} (it went through JSON and a database). */
export function isOrderTotals(value: unknown): value is OrderTotals {
  return typeof fieldOf(value, 'count') === 'number' && typeof fieldOf(value, 'total') === 'number';
}
