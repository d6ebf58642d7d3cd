import { describe, expect, it } from 'vitest';
import { OrderGenerator } from '../events.js';
import { waitFor } from '../measure.js';
import { bullmq } from './bullmq.js';
import { type SystemSession, SystemUnavailable } from './types.js';

const JOBS = 200;

/** A fresh queue on the local Redis, or `undefined` (the test skips) when Redis is not running. */
async function openOrSkip(skip: (note: string) => void): Promise<SystemSession | undefined> {
  try {
    return await bullmq.open();
  } catch (err) {
    if (!(err instanceof SystemUnavailable)) throw err;
    skip(err.message);
    return undefined;
  }
}

describe('bullmq session', () => {
  it('completes every job once when one in ten fails once and is retried', async (ctx) => {
    const session = await openOrSkip((note) => ctx.skip(note));
    if (!session?.process) return;
    try {
      const gen = new OrderGenerator();
      await session.publishBatch(gen, JOBS);
      let handled = 0;
      const note = await session.process({
        mode: 'at-least-once',
        failEvery: 10,
        onHandled: () => handled++,
      });
      await waitFor(() => handled >= JOBS, `${JOBS} jobs completed`, 20_000);
      expect(handled).toBe(JOBS);
      expect(note).toContain('1 in 10 fails once');
    } finally {
      await session.close();
    }
  });

  it('rejects exactly-once, which BullMQ does not offer', async (ctx) => {
    const session = await openOrSkip((note) => ctx.skip(note));
    if (!session?.process) return;
    try {
      await expect(
        session.process({ mode: 'exactly-once', failEvery: 0, onHandled: () => {} }),
      ).rejects.toThrow('BullMQ has no exactly-once mode');
    } finally {
      await session.close();
    }
  });
});
