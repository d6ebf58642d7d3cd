import { describe, expect, it } from 'vitest';
import type { ProcessOptions, SystemSession } from '../systems/types.js';
import { type RowSpec, timeProcessing } from './consumer-process.js';

const SPEC: RowSpec = { mode: 'at-least-once', delivery: 'at-least-once', failEvery: 0 };

/** A session whose consumer handles `handles` events, one per timer tick, then stops making progress. */
function fakeSession(handles: number, seen: ProcessOptions[] = []): SystemSession {
  return {
    async publishBatch() {},
    async process(options) {
      seen.push(options);
      let left = handles;
      const tick = () => {
        if (left-- <= 0) return;
        options.onHandled();
        setTimeout(tick, 0);
      };
      setTimeout(tick, 0);
      return 'fake settings';
    },
    async close() {},
  };
}

describe('timeProcessing', () => {
  it('counts every pre-filled event once handled and passes the row mode to the system', async () => {
    const seen: ProcessOptions[] = [];
    const spec: RowSpec = { mode: 'at-least-once, 1% fail once', delivery: 'at-least-once', failEvery: 100 };
    const m = await timeProcessing(fakeSession(20, seen), spec, 20, 5000);
    expect(m.events).toBe(20);
    expect(m.elapsedMs).toBeGreaterThan(0);
    expect(m.note).toBe('fake settings');
    expect(seen.map((o) => [o.mode, o.failEvery])).toEqual([['at-least-once', 100]]);
  });

  it('ends at the time cap with the events handled so far and says so in the note', async () => {
    const m = await timeProcessing(fakeSession(5), SPEC, 10, 50);
    expect(m.events).toBe(5);
    expect(m.elapsedMs).toBeGreaterThanOrEqual(50);
    expect(m.note).toBe('fake settings; capped at 0.05 s with 5 of 10 handled');
  });

  it('rejects a session without a processing path', async () => {
    const session: SystemSession = { async publishBatch() {}, async close() {} };
    await expect(timeProcessing(session, SPEC, 10, 50)).rejects.toThrow('no processing path');
  });
});
