/**
 * Throughput of the RecordBatch codec on CloudEvents-shaped records (~250-byte JSON value, 10 `ce_*`
 * headers). Not a test: run
 * `node --conditions=@tributary/source --import tsx packages/log/src/record-batch/codec.speed.ts` and read the
 * numbers. Options: `--records N` per batch (default 1000), `--seconds S` per phase (default 2),
 * `--value-bytes B` size of the JSON value (default 250; at least its ~140 bytes of fields). Rates are per second of CPU time.
 */
import type { LogRecord, LogRecordInput } from '@tributary/core';
import { crc32c } from './crc32c.js';
import { decodeBatchRecords, encodeBatch, readBatchHeader, verifyBatch } from './record-batch.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const perBatch = arg('records', 1000);
const seconds = arg('seconds', 2);
const valueBytes = arg('value-bytes', 250);
const utf8 = new TextEncoder();

function sampleRecord(i: number): LogRecordInput {
  const id = `6f1c2a9e-4b7d-4c1e-9a3f-${String(i).padStart(12, '0')}`;
  const json = JSON.stringify({
    orderId: `ord-${i}`,
    customerId: `cust-${i % 977}`,
    items: [{ sku: 'SKU-12345', qty: 2, price: 19.99 }],
    total: 39.98,
    currency: 'EUR',
    note: '',
  });
  const data = json.replace('"note":""', `"note":"${'x'.repeat(Math.max(0, valueBytes - json.length))}"`);
  const h = (key: string, value: string) => ({ key, value: utf8.encode(value) });
  return {
    key: utf8.encode(`ord-${i}`),
    value: utf8.encode(data),
    timestamp: 1_700_000_000_000 + i,
    headers: [
      h('ce_specversion', '1.0'),
      h('ce_id', id),
      h('ce_source', '/orders/service'),
      h('ce_type', 'com.example.order.placed.v1'),
      h('ce_time', '2024-05-01T12:34:56.789Z'),
      h('content-type', 'application/json'),
      h('ce_subject', `order/${i}`),
      h('ce_tenantid', 'tenant-42'),
      h('ce_correlationid', id),
      h('ce_traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'),
    ],
  };
}

/**
 * Runs `fn` repeatedly for about `seconds` (after a warm-up) and returns calls per second of CPU
 * time spent by this process: on a busy shared machine wall time mostly measures the neighbours.
 */
function rate(fn: () => void): number {
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) fn();
  let calls = 0;
  const cpu = process.cpuUsage();
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    for (let k = 0; k < 10; k++) fn();
    calls += 10;
  }
  const used = process.cpuUsage(cpu);
  return calls / ((used.user + used.system) / 1e6);
}

const records = Array.from({ length: perBatch }, (_, i) => sampleRecord(i));
const batch = encodeBatch(records, 0n, Date.now());
const header = readBatchHeader(batch, 0);
if (header === null || !verifyBatch(batch, 0, header)) throw new Error('speed script: batch does not verify');
const out: LogRecord[] = [];

/** CPU ns per iteration of a trivial loop: says how fast (or how shared) this machine is right now. */
function calibrate(): number {
  const cpu = process.cpuUsage();
  let x = 0;
  for (let i = 0; i < 200_000_000; i++) x = (x + i) | 0;
  const used = process.cpuUsage(cpu);
  if (x === 42) console.log('');
  return ((used.user + used.system) * 1000) / 200_000_000;
}

const fmt = (n: number) => `${(n / 1e6).toFixed(2)}M records/s`;
const encode = rate(() => encodeBatch(records, 0n, 0)) * perBatch;
const crc = rate(() => crc32c(batch, 21)) * batch.length;
const decode =
  rate(() => {
    out.length = 0;
    decodeBatchRecords(batch, 0, header, out, 0n, perBatch);
  }) * perBatch;
const both =
  rate(() => {
    out.length = 0;
    const h = readBatchHeader(batch, 0);
    if (h === null || !verifyBatch(batch, 0, h)) throw new Error('verify failed');
    decodeBatchRecords(batch, 0, h, out, 0n, perBatch);
  }) * perBatch;

console.log(`calibration: ${calibrate().toFixed(2)} CPU ns per trivial loop iteration (lower is faster)`);
console.log(
  `batch: ${perBatch} records, ${batch.length} bytes (${Math.round(batch.length / perBatch)} B/record)`,
);
console.log(
  `encodeBatch          ${fmt(encode)}  (${((encode * batch.length) / perBatch / 1e6).toFixed(0)} MB/s)`,
);
console.log(`crc32c               ${(crc / 1e9).toFixed(2)} GB/s`);
console.log(`decodeBatchRecords   ${fmt(decode)}`);
console.log(`verify + decode      ${fmt(both)}`);
