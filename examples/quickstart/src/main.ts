// The README's quick start, runnable: `npm run quickstart` from the repository root.
// Defines an event type, publishes orders durably to the embedded log in ./data, and consumes them
// in a consumer group. Run it twice: the group resumes after what it already committed.
import { connect, defineEvent } from '@tributary/core';
import { z } from 'zod';

const OrderPlaced = defineEvent('order.placed', {
  version: 1,
  schema: z.object({ orderId: z.string(), customerId: z.string(), total: z.number().positive() }),
  topic: 'orders',
});

const dataDir = process.env.TRIB_DATA ?? './data';
const bus = await connect(`file:${dataDir}`, { autoCreateTopics: { partitions: 3 } });

const runId = Date.now().toString(36);
const orders = Array.from({ length: 5 }, (_, i) =>
  OrderPlaced.create({
    orderId: `${runId}-${i}`,
    customerId: ['alice', 'bob', 'carol'][i % 3]!,
    total: 10 * (i + 1),
  }),
);
for (const order of orders) {
  const { partition, offset } = await bus.publish(order, { key: order.data.customerId });
  console.log(`published ${order.data.orderId} -> orders/${partition}@${offset}`);
}

// Bad input is rejected before anything is written, naming every failing field.
try {
  OrderPlaced.create({ orderId: 'x', customerId: 'alice', total: -1 });
} catch (err) {
  console.log(`rejected: ${(err as Error).message}`);
}

const seen = new Set<string>();
const consumer = bus.consumer({ group: 'billing', events: [OrderPlaced], from: 'earliest' });
await consumer.run({
  eachEvent: async (event, ctx) => {
    seen.add(event.data.orderId);
    console.log(
      `billing got ${event.data.orderId} (${event.data.total}) from ${ctx.topic}/${ctx.partition}@${ctx.offset}`,
    );
  },
});
// Wait until this run's orders have been consumed, then stop cleanly (commits offsets).
const deadline = Date.now() + 10_000;
while (!orders.every((o) => seen.has(o.data.orderId))) {
  if (Date.now() > deadline) throw new Error('timed out waiting for the consumer');
  await new Promise((r) => setTimeout(r, 10));
}
await bus.close();
console.log(`done: ${orders.length} orders published and consumed; data in ${dataDir}`);
