import { connect, defineEvent, partitionForKey } from '@tributary/core';
import { waitFor } from '@tributary/core/internal';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tempDir } from './test-support/harness.js';

const Paid = defineEvent('payment.captured', {
  version: 1,
  schema: z.object({ paymentId: z.string(), amount: z.number() }),
  topic: 'payments',
});

/** Consumes with `group` until `count` events arrived; returns their payment ids in arrival order per partition. */
async function consume(dir: string, group: string, count: number): Promise<string[]> {
  const bus = await connect(`file:${dir}`);
  const seen: string[] = [];
  const consumer = bus.consumer({ group, events: [Paid], from: 'earliest', autoCommit: { intervalMs: 50 } });
  await consumer.run({ eachEvent: async (event) => void seen.push(event.data.paymentId) });
  await waitFor(() => seen.length >= count, { timeoutMs: 10_000, message: `${count} events for ${group}` });
  await bus.close(); // stops the consumer, which commits what it processed
  return seen;
}

describe('the bus on the embedded file log', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('resumes a group after its committed offsets across a restart, while another group reads everything', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const publish = async (from: number, count: number) => {
      const bus = await connect(`file:${t.dir}`, { autoCreateTopics: { partitions: 4 } });
      const events = Array.from({ length: count }, (_, i) =>
        Paid.create(
          { paymentId: `p-${from + i}`, amount: from + i },
          { partitionkey: `customer-${(from + i) % 7}` },
        ),
      );
      const results = await bus.publishBatch(events);
      for (const [i, r] of results.entries()) {
        expect(r.partition).toBe(partitionForKey(Buffer.from(`customer-${(from + i) % 7}`), 4));
      }
      await bus.close();
    };

    await publish(0, 40);
    expect(new Set(await consume(t.dir, 'billing', 40))).toEqual(
      new Set(Array.from({ length: 40 }, (_, i) => `p-${i}`)),
    );
    await publish(40, 10);
    // Only the new events: the group's offsets survived the restart.
    const resumed = await consume(t.dir, 'billing', 10);
    expect(resumed.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `p-${40 + i}`).sort());
    // Another group starts from the beginning and sees everything (pub/sub).
    expect(await consume(t.dir, 'audit', 50)).toHaveLength(50);
  });
});
