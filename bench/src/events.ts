import { randomUUID } from 'node:crypto';
import { z } from 'zod';
/**
 * The one event generator every system publishes from, so Tributary and its peers carry identical
 * data. Event `i` is deterministic (same bytes in every run and every system); its JSON encoding
 * is ≈250 bytes, the size the targets are stated for.
 */

export interface OrderItem {
  readonly sku: string;
  readonly qty: number;
  /** Unit price in cents. */
  readonly price: number;
}

/** An `order.placed`-like payload: ids, amounts, a few fields. */
export interface Order {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: 'EUR' | 'USD' | 'GBP';
  /** Order total in cents. */
  readonly total: number;
  readonly items: readonly OrderItem[];
  readonly channel: 'web' | 'app' | 'store';
  readonly shipTo: string;
  readonly placedAt: string;
}

const CURRENCIES = ['EUR', 'USD', 'GBP'] as const;
const CHANNELS = ['web', 'app', 'store'] as const;
const COUNTRIES = ['DE', 'FR', 'NL', 'GB', 'US', 'ES', 'IT', 'SE'] as const;
const BASE_TIME = Date.UTC(2025, 5, 1, 12, 0, 0);

/** A small integer hash (xorshift-multiply) so event `i` is random-looking but reproducible. */
function mix(x: number): number {
  let h = (x ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function pick<T>(list: readonly T[], r: number): T {
  return list[r % list.length] as T;
}

/** Builds event number `i` (a fresh object each call, as a service would build it). */
export function orderAt(i: number): Order {
  const r1 = mix(i);
  const r2 = mix(i + 0x51ed27);
  const qtyA = 1 + (r1 % 3);
  const qtyB = 1 + (r2 % 2);
  const priceA = 500 + (r1 % 9500);
  const priceB = 500 + (r2 % 9500);
  return {
    orderId: `ord_${pad(i, 12)}`,
    customerId: `cus_${pad(r1 % 100_000_000, 8)}`,
    currency: pick(CURRENCIES, r2),
    total: qtyA * priceA + qtyB * priceB,
    items: [
      { sku: `SKU-${pad(r1 % 1_000_000, 6)}`, qty: qtyA, price: priceA },
      { sku: `SKU-${pad(r2 % 1_000_000, 6)}`, qty: qtyB, price: priceB },
    ],
    channel: pick(CHANNELS, r1 >>> 8),
    shipTo: pick(COUNTRIES, r2 >>> 8),
    placedAt: new Date(BASE_TIME + i).toISOString(),
  };
}

/** Hands out consecutive events; one per benchmark row. */
export class OrderGenerator {
  private seq: number;

  constructor(start = 0) {
    this.seq = start;
  }

  /** How many events were handed out. */
  get count(): number {
    return this.seq;
  }

  next(): Order {
    return orderAt(this.seq++);
  }

  /** Hands out `n` events without building them (for the pre-serialized `disk` ceiling). */
  skip(n: number): void {
    this.seq += n;
  }

  batch(size: number): Order[] {
    const out = new Array<Order>(size);
    for (let i = 0; i < size; i++) out[i] = orderAt(this.seq++);
    return out;
  }
}

/** The event's schema: Tributary validates with it in `defineEvent`, the peers call it directly. */
export const orderSchema = z.object({
  orderId: z.string(),
  customerId: z.string(),
  currency: z.enum(['EUR', 'USD', 'GBP']),
  total: z.number().int().nonnegative(),
  items: z.array(z.object({ sku: z.string(), qty: z.number().int().positive(), price: z.number().int() })),
  channel: z.enum(['web', 'app', 'store']),
  shipTo: z.string().length(2),
  placedAt: z.string(),
});

/**
 * The peers' encoding of an event: what a user of a bare broker or database writes to get what
 * Tributary's publish gives — the data validated against the same schema, inside a CloudEvents
 * envelope (structured JSON: id, source, type, time, dataschema), serialized once. The issue asks
 * every row to count "building the envelope, validating, encoding, writing" for peers alike.
 * `id` defaults to a random UUID (`http.tail` numbers its events to match them on delivery).
 */
export function orderJson(order: Order, id: string = randomUUID()): string {
  return JSON.stringify({
    specversion: '1.0',
    id,
    source: 'bench',
    type: 'order.placed',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    dataschema: 'urn:tributary:schema:order.placed:v1',
    data: orderSchema.parse(order),
  });
}

/** Mean size of an event's data as JSON (≈250 bytes), the `event_bytes` of every row. */
export function meanEventBytes(sample = 1000): number {
  let total = 0;
  for (let i = 0; i < sample; i++) total += Buffer.byteLength(JSON.stringify(orderAt(i)));
  return Math.round(total / sample);
}
