import { describe, expect, it } from 'vitest';
import { OrderGenerator } from '../events.js';
import { waitFor } from '../measure.js';
import { bullmq } from './bullmq.js';
import { type SystemSession, SystemUnavailable } from './types.js';

const JOBS = 200;

/**
 * A fresh queue on Redis. Without a Redis server the test is skipped with a message saying so —
 * except on CI (`CI` set), where the server must be there and its absence fails the test.
 */
async function openOrSkip(skip: (note: string) => void): Promise<SystemSession | undefined> {
  try {
    return await bullmq.open();
  } catch (err) {
    if (!(err instanceof SystemUnavailable) || process.env.CI) throw err;
    skip(`Redis is not reachable (${err.message}); start one or set TRIB_BENCH_REDIS_URL to run this test`);
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
