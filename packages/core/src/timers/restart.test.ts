import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../envelope/utf8.js';
import { createMemoryLog } from '../memory/memory-log.js';
import type { LogRecordInput } from '../ports/log.js';
import { waitFor } from '../testing/wait-for.js';
import { busOver, idsOf, order, receive, timerErrors } from './test-support/timers.js';
import { TIMER_HEADERS, TIMERS_GROUP, TIMERS_TOPIC } from './timer-records.js';

const HOUR = 3_600_000;

const hasMarker = (records: readonly LogRecordInput[], kind: string): boolean =>
  records.some((r) =>
    r.headers?.some((h) => h.key === TIMER_HEADERS.kind && h.value !== null && decodeUtf8(h.value) === kind),
  );

/** A bus over a memory log reopened as after a restart, with the orders topic. */
async function firstRun(options?: Parameters<typeof busOver>[1]) {
  const log = createMemoryLog();
  const bus = busOver(log, options);
  await bus.createTopic('orders');
  return { log, bus };
}

describe('timers across restarts', () => {
  it('fires a timer still pending at close after reconnecting, once, without any call', async () => {
    const { log, bus } = await firstRun();
    const event = order(0);
    const { deliverAt } = await bus.publish(event, { delayMs: 500 });
    await bus.close();
    expect(await log.latestOffset('orders', 0)).toBe(0n);

    const restarted = busOver(log);
    const received = await receive(restarted);
    await waitFor(() => received.length === 1, { timeoutMs: 10_000 });
    expect(received[0]?.at).toBeGreaterThanOrEqual(deliverAt?.getTime() ?? Number.NaN);
    const sentinel = order(1);
    await restarted.publish(sentinel, { delayMs: 50 });
    await waitFor(() => received.length === 2, { timeoutMs: 10_000 });
    expect(idsOf(received)).toEqual([event.id, sentinel.id]);
  });

  it('leaves pending timers alone on a bus opened with resumeTimers: false', async () => {
    const { log, bus } = await firstRun();
    await bus.publish(order(0), { delayMs: 20 });
    await bus.close();

    const tool = busOver(log, { resumeTimers: false });
    await tool.createTopic('elsewhere'); // the bus works; only timers stay untouched
    await tool.close();
    expect(await log.latestOffset('orders', 0)).toBe(0n);
    const resumed = busOver(log);
    const received = await receive(resumed);
    await waitFor(() => received.length === 1, { timeoutMs: 10_000 });
  });

  it('does not deliver again a timer that fired before the restart', async () => {
    const { log, bus } = await firstRun();
    const event = order(0);
    await bus.publish(event, { delayMs: 20 });
    const before = await receive(bus);
    await waitFor(() => before.length === 1, { timeoutMs: 10_000 });
    await bus.close();

    const restarted = busOver(log);
    const received = await receive(restarted);
    const sentinel = order(1);
    await restarted.publish(sentinel, { delayMs: 100 }); // due after the old timer would re-fire
    await waitFor(() => received.length === 2, { timeoutMs: 10_000 });
    expect(idsOf(received)).toEqual([event.id, sentinel.id]);
  });

  it('reads schedule and fired records before firing when the offset was not committed', async () => {
    const { errors, onTimerError } = timerErrors();
    const { log, bus } = await firstRun({ onTimerError, faults: { failCommit: (g) => g === TIMERS_GROUP } });
    const event = order(0);
    await bus.publish(event, { delayMs: 20 });
    await waitFor(async () => (await log.latestOffset(TIMERS_TOPIC, 0)) === 2n, { timeoutMs: 10_000 });
    await bus.close();
    expect(errors.map((e) => e.ctx.phase)).toContain('commit');
    expect(await log.fetchOffsets(TIMERS_GROUP)).toEqual([]);

    const restarted = busOver(log);
    const received = await receive(restarted);
    const sentinel = order(1);
    await restarted.publish(sentinel, { delayMs: 100 });
    await waitFor(() => received.length === 2, { timeoutMs: 10_000 });
    expect(idsOf(received)).toEqual([event.id, sentinel.id]);
  });

  it('delivers again, with the same event id, after a crash between delivery and the fired marker', async () => {
    const { errors, onTimerError } = timerErrors();
    const { log, bus } = await firstRun({
      onTimerError,
      faults: {
        failAppend: (topic, records) => topic === TIMERS_TOPIC && hasMarker(records, 'fired'),
        failCommit: (group) => group === TIMERS_GROUP,
      },
    });
    const event = order(0);
    await bus.publish(event, { delayMs: 20 });
    await waitFor(() => errors.some((e) => e.ctx.phase === 'marker'), { timeoutMs: 10_000 });
    await bus.close();

    const restarted = busOver(log);
    const received = await receive(restarted);
    await waitFor(() => received.length === 2, { timeoutMs: 10_000 });
    expect(idsOf(received)).toEqual([event.id, event.id]);
  });

  it('commits the timers group at the earliest pending timer, then past it once settled', async () => {
    const { log, bus } = await firstRun();
    const pending = await bus.publish(order(0), { delayMs: HOUR });
    await bus.publish(order(1), { delayMs: 10 });
    const received = await receive(bus);
    await waitFor(() => received.length === 1, { timeoutMs: 10_000 });
    const committed = async () => (await log.fetchOffsets(TIMERS_GROUP, TIMERS_TOPIC))[0]?.offset;
    await waitFor(async () => (await committed()) !== undefined, { timeoutMs: 10_000 });
    expect(await committed()).toBe(pending.offset);
    await bus.cancelScheduled(pending.scheduledId as string);
    const end = await log.latestOffset(TIMERS_TOPIC, 0);
    await waitFor(async () => (await committed()) === end, { timeoutMs: 10_000 });
  });
});
