// The shop's customers: places orders at a steady rate, and decides (from the seed) which of them
// meet which failure, by writing the fault plan the simulated outside world reads.
import { DESTINATIONS, PRODUCTS } from './catalogue.js';
import type { Fault, FaultPlan } from './faults.js';
import type { NewOrder } from './services/order.js';

/** Options of {@link generateLoad}. */
export interface LoadOptions {
  /** How many orders to place. */
  readonly orders: number;
  /** Orders per second. */
  readonly ratePerSec: number;
  /** Share of orders (0..1) that meet a failure, split evenly among the four kinds. */
  readonly failureRate: number;
  /** Seed of the random choices: the same seed places the same orders with the same faults. */
  readonly seed: number;
  /** Prefix of the order ids, so runs on one data directory do not collide. */
  readonly runTag: string;
  /**
   * Gateway outages are shorter than this many attempts (the services' retry budget), so they are
   * retried through rather than dead-lettered.
   */
  readonly maxAttempts: number;
  /** Where the faults are written. */
  readonly faults: FaultPlan;
  /** Places one order (the shop's checkout). */
  readonly place: (order: NewOrder) => Promise<void>;
  /** Called after each order was placed. */
  readonly onPlaced?: (order: NewOrder) => void;
  /** Stops placing orders early. */
  readonly signal?: AbortSignal;
}

/** A small, fast, seedable PRNG (mulberry32): numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The order ids a run places, in order. */
export function orderIds(runTag: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${runTag}-${String(i + 1).padStart(5, '0')}`);
}

/** Builds the orders of a run and writes their faults into `faults`. Deterministic for a seed. */
export function planOrders(
  options: Pick<LoadOptions, 'orders' | 'failureRate' | 'seed' | 'runTag' | 'maxAttempts' | 'faults'>,
): NewOrder[] {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return orderIds(options.runTag, options.orders).map((orderId) => {
    const products = shuffled(PRODUCTS, random).slice(0, 1 + Math.floor(random() * 3));
    const items = products.map((p) => ({ ...p, quantity: 1 + Math.floor(random() * 3) }));
    const totalCents = items.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
    const order: NewOrder = {
      orderId,
      customerId: `cust-${1 + Math.floor(random() * 500)}`,
      items,
      totalCents,
      address: pick(DESTINATIONS),
    };
    if (random() < options.failureRate) {
      const fault = pickFault(random, options.maxAttempts);
      // A fault set beforehand (a test forcing one) wins; the draws stay the same either way.
      if (options.faults.get(orderId) === undefined) options.faults.set(orderId, fault);
    }
    return order;
  });
}

/** A copy of `items` in random order (Fisher–Yates). */
function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function pickFault(random: () => number, maxAttempts: number): Fault {
  switch (Math.floor(random() * 4)) {
    case 0:
      return { kind: 'payment-declined' };
    case 1:
      return { kind: 'out-of-stock' };
    case 2:
      return { kind: 'shipping-failed' };
    default:
      return { kind: 'gateway-errors', count: 1 + Math.floor(random() * Math.max(1, maxAttempts - 1)) };
  }
}

/**
 * Places the planned orders at `ratePerSec`, each on its own schedule (a slow checkout does not
 * delay the next one). Resolves with the orders once every placement has finished; rejects with
 * the first placement error.
 */
export async function generateLoad(options: LoadOptions): Promise<NewOrder[]> {
  const orders = planOrders(options);
  const started = performance.now();
  const placements: Promise<void>[] = [];
  for (const [i, order] of orders.entries()) {
    if (options.signal?.aborted) break;
    const wait = started + (i * 1000) / options.ratePerSec - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    placements.push(options.place(order).then(() => options.onPlaced?.(order)));
  }
  await Promise.all(placements);
  return orders.slice(0, placements.length);
}
