import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Order, orderSchema } from '../events.js';
import { processNote, startProcessing } from './tributary-process.js';
import { type BenchSystem, type SystemSession, SystemUnavailable } from './types.js';

/** The topic every Tributary session writes; one partition, as the peers' single stream/table. */
export const TOPIC = 'orders';

/** Loads Tributary lazily so the peers still run while the package is missing or broken. */
export async function loadTributary() {
  try {
    const core = await import('@tributary/core');
    const OrderPlaced = core.defineEvent('order.placed', { version: 1, schema: orderSchema, topic: TOPIC });
    return { connect: core.connect, OrderPlaced };
  } catch (err) {
    throw new SystemUnavailable(`@tributary/core not usable: ${(err as Error).message}`);
  }
}

/**
 * Tributary, embedded (`file:`): events built with `defineEvent(...).create(data)` (schema check +
 * CloudEvents envelope), published with `bus.publishBatch` / `bus.publish` to a topic with fsync
 * `always`, consumed through a consumer group or `bus.subscribe`, read back through the Log port.
 */
export const tributary: BenchSystem = {
  name: 'tributary',
  note: 'fsync always (group commit)',
  async open(): Promise<SystemSession> {
    const { connect, OrderPlaced } = await loadTributary();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trib-bench-tributary-'));
    const bus = await connect(`file:${dir}`);
    await bus.createTopic(TOPIC, { partitions: 1, fsync: 'always' });
    const stops: (() => Promise<void>)[] = [];
    return {
      async publishBatch(gen, size) {
        const events = new Array<ReturnType<typeof OrderPlaced.create>>(size);
        for (let i = 0; i < size; i++) events[i] = OrderPlaced.create(gen.next());
        await bus.publishBatch(events);
      },
      async publishSingle(gen) {
        const order: Order = gen.next();
        await bus.publish(OrderPlaced.create(order), { key: order.orderId });
      },
      async subscribe(listener) {
        const consumer = bus.consumer({ group: 'bench-e2e', topics: [TOPIC], from: 'earliest' });
        stops.push(() => consumer.stop());
        await consumer.run({ eachEvent: () => listener(1) }); // resolves once partitions are held
      },
      async process(options) {
        stops.push(...(await startProcessing(bus, OrderPlaced, TOPIC, dir, options)));
        return processNote(options);
      },
      async readAll() {
        let read = 0;
        let bytes = 0;
        let offset = 0n;
        for (;;) {
          const r = await bus.log.fetch(TOPIC, 0, offset, { maxBytes: 1 << 20 });
          for (const rec of r.records) bytes += (rec.value?.length ?? 0) + rec.headers.length;
          read += r.records.length;
          offset = r.nextOffset;
          if (r.records.length === 0 || offset >= r.highWatermark) break;
        }
        if (read > 0 && bytes === 0) throw new Error('Tributary returned empty records');
        return read;
      },
      async close() {
        for (const stop of stops) await stop();
        await bus.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
