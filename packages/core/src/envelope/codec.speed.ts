/**
 * Speed of the envelope hot path on a ~250-byte event (data JSON), one core.
 * Run: `npx tsx packages/core/src/envelope/codec.speed.ts` (add `--json` for machine output).
 */
import { z } from 'zod';
import { defineEvent } from '../events/define-event.js';
import { uuidv7 } from '../events/uuid-v7.js';
import type { LogRecord } from '../ports/log.js';
import { fromLogRecord, toLogRecord } from './kafka-binary-codec.js';
import { fromStructuredJson, toStructuredJson } from './structured-json-codec.js';

const OrderPlaced = defineEvent('order.placed', {
  version: 1,
  topic: 'orders',
  source: 'bench',
  schema: z.object({
    orderId: z.string(),
    customerId: z.string(),
    currency: z.enum(['EUR', 'USD', 'GBP']),
    total: z.number(),
    items: z.array(z.object({ sku: z.string(), qty: z.number().int(), price: z.number() })),
    channel: z.enum(['web', 'app', 'store']),
    shipTo: z.string(),
  }),
});

const data = {
  orderId: 'ord-000123456',
  customerId: 'cust-004711',
  currency: 'EUR' as const,
  total: 123.45,
  items: [
    { sku: 'SKU-10001', qty: 2, price: 19.99 },
    { sku: 'SKU-20002', qty: 1, price: 83.47 },
  ],
  channel: 'web' as const,
  shipTo: 'Hauptstraße 12, 10115 Berlin, DE',
};

const event = OrderPlaced.create(data, { partitionkey: data.customerId });
const input = toLogRecord(event);
const record: LogRecord = {
  offset: 0n,
  timestamp: input.timestamp ?? 0,
  key: input.key,
  value: input.value,
  headers: input.headers ?? [],
};
const json = toStructuredJson(event);

let sink = 0;
function measure(name: string, op: () => unknown, iterations = 300_000): { name: string; ns: number } {
  for (let i = 0; i < 50_000; i++) sink ^= op() === undefined ? 1 : 0; // warm up the JIT
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink ^= op() === undefined ? 1 : 0;
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  return { name, ns };
}

const valueText = JSON.stringify(event.data);
// Baselines: the part of each codec V8 itself spends; the rest is the codec's overhead.
const results = [
  measure('baseline: JSON.stringify(data)', () => JSON.stringify(event.data)),
  measure('baseline: JSON.parse(value text)', () => JSON.parse(valueText)),
  measure('uuidv7', () => uuidv7()),
  measure('create (validate + envelope)', () => OrderPlaced.create(data)),
  measure('toLogRecord', () => toLogRecord(event)),
  measure('fromLogRecord', () => fromLogRecord(record)),
  measure('toLogRecord + fromLogRecord', () => {
    const out = toLogRecord(event);
    return fromLogRecord({
      offset: 0n,
      timestamp: 0,
      key: out.key,
      value: out.value,
      headers: out.headers ?? [],
    });
  }),
  measure('create + toLogRecord (publish path)', () => toLogRecord(OrderPlaced.create(data))),
  measure('toStructuredJson', () => toStructuredJson(event)),
  measure('fromStructuredJson', () => fromStructuredJson(json)),
];

const eventBytes =
  (input.value?.byteLength ?? 0) +
  (input.headers ?? []).reduce((n, h) => n + h.key.length + (h.value?.byteLength ?? 0), 0);
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ valueBytes: input.value?.byteLength, eventBytes, results }));
} else {
  console.log(
    `event: ${input.value?.byteLength} value bytes, ${eventBytes} bytes with headers, ${input.headers?.length} headers`,
  );
  for (const { name, ns } of results) {
    console.log(
      `${name.padEnd(38)} ${ns.toFixed(0).padStart(6)} ns/op ${Math.round(1e9 / ns)
        .toLocaleString('en')
        .padStart(12)} ops/s`,
    );
  }
}
if (sink === 42) console.log('');
