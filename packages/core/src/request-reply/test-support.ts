import { z } from 'zod';
import type { Bus } from '../bus/bus.js';
import type { Consumer } from '../bus/consumer.js';
import { testBus } from '../bus/test-support/fixtures.js';
import type { CloudEvent } from '../envelope/types.js';
import { defineEvent } from '../events/define-event.js';
import { sendReply } from './send-reply.js';

export const ReserveStock = defineEvent('inventory.reserve', {
  version: 1,
  schema: z.object({ sku: z.string(), n: z.number().int() }),
  topic: 'commands',
});

export const StockReserved = defineEvent('inventory.reserved', {
  version: 1,
  schema: z.object({ sku: z.string(), n: z.number().int(), note: z.string().optional() }),
});

/** A memory bus with the `commands` topic. */
/** A memory bus with a 2-partition `commands` topic, closed when the current test finishes. */
export async function commandBus(): Promise<Bus> {
  const { bus } = testBus();
  await bus.createTopic('commands', { partitions: 2 });
  return bus;
}

export function dataOf(event: CloudEvent): { sku: string; n: number; note?: string } {
  return StockReserved.parse(event).data;
}

/** Consumes `commands` and records every command it receives. */
export async function recorder(
  bus: Bus,
  group = 'recorder',
): Promise<{ commands: CloudEvent[]; consumer: Consumer }> {
  const commands: CloudEvent[] = [];
  const consumer = bus.consumer({ group, topics: ['commands'], from: 'earliest' });
  await consumer.run({ eachEvent: (event) => void commands.push(event) });
  return { commands, consumer };
}

/** Consumes `commands` and answers each with a StockReserved echoing its data. */
export async function responder(bus: Bus, note = 'ok'): Promise<Consumer> {
  const consumer = bus.consumer({ group: 'responder', topics: ['commands'], from: 'earliest' });
  await consumer.run({
    eachEvent: async (command) => {
      const { sku, n } = ReserveStock.parse(command).data;
      await sendReply(bus, command, StockReserved.create({ sku, n, note }));
    },
  });
  return consumer;
}
