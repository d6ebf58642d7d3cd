import { type Bus, type CloudEvent, connect, defineEvent } from '@tributary/core';
import { waitFor } from '@tributary/core/internal';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tempDir } from './test-support/harness.js';

const Reminder = defineEvent('reminder.due', {
  version: 1,
  schema: z.object({ n: z.number().int() }),
  topic: 'reminders',
});

/** Consumes the reminders topic from the start; each event with its arrival time. */
async function receive(bus: Bus): Promise<{ event: CloudEvent; at: number }[]> {
  const received: { event: CloudEvent; at: number }[] = [];
  const consumer = bus.consumer({ group: `check-${Math.random()}`, topics: ['reminders'], from: 'earliest' });
  await consumer.run({ eachEvent: (event) => void received.push({ event, at: Date.now() }) });
  return received;
}

describe('scheduled publishes on the embedded file log', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('fire after a restart once, and never again after the next restart', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const first = await connect(`file:${t.dir}`);
    await first.createTopic('reminders');
    const pending = Reminder.create({ n: 1 });
    const cancelled = Reminder.create({ n: 2 });
    const { deliverAt } = await first.publish(pending, { delayMs: 250 });
    const far = Reminder.create({ n: 4 });
    const { scheduledId } = await first.publish(cancelled, { delayMs: 2000 });
    await first.publish(far, { delayMs: 3_600_000 });
    expect(await first.cancelScheduled(scheduledId as string)).toBe(true);
    await first.close(); // before any is due

    const second = await connect(`file:${t.dir}`);
    const listed = (await second.scheduled()).map((s) => s.eventId);
    expect(listed).toContain(far.id);
    expect(listed).not.toContain(cancelled.id);
    const received = await receive(second);
    await waitFor(() => received.length === 1, { timeoutMs: 10_000 });
    expect(received[0]?.event.id).toBe(pending.id);
    expect(received[0]?.at).toBeGreaterThanOrEqual(deliverAt?.getTime() ?? Number.NaN);
    await waitFor(async () => (await second.scheduled()).length === 1);
    await second.close();

    const third = await connect(`file:${t.dir}`);
    const sentinel = Reminder.create({ n: 3 });
    const again = await receive(third);
    await third.publish(sentinel, { delayMs: 100 }); // due after a re-fired timer would arrive
    await waitFor(() => again.length === 2, { timeoutMs: 10_000 });
    expect(again.map((r) => r.event.id)).toEqual([pending.id, sentinel.id]);
    await third.close();
  });
});
