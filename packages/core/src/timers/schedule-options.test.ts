import { describe, expect, it } from 'vitest';
import { testBus } from '../bus/test-support/fixtures.js';
import { resolveDeliverAt } from './schedule-options.js';
import { order } from './test-support/timers.js';
import type { ScheduleOptions } from './types.js';

const NOW = Date.UTC(2030, 0, 1);

describe('resolving when a publish is due', () => {
  it('returns undefined (publish now) without options, for delay 0 and for a time that has passed', () => {
    expect(resolveDeliverAt({}, '', NOW)).toBeUndefined();
    expect(resolveDeliverAt({ delayMs: 0 }, '', NOW)).toBeUndefined();
    expect(resolveDeliverAt({ deliverAt: NOW }, '', NOW)).toBeUndefined();
    expect(resolveDeliverAt({ deliverAt: '1999-12-31T23:59:59Z' }, '', NOW)).toBeUndefined();
    expect(resolveDeliverAt({ deliverAt: -5 }, '', NOW)).toBeUndefined();
  });

  it('returns the due time for a future Date, RFC 3339 string, epoch number or delay, rounded up', () => {
    expect(resolveDeliverAt({ deliverAt: new Date(NOW + 5) }, '', NOW)).toBe(NOW + 5);
    expect(resolveDeliverAt({ deliverAt: '2030-01-01T01:00:00+01:00' }, '', NOW)).toBeUndefined();
    expect(resolveDeliverAt({ deliverAt: '2030-01-01T00:00:01.5Z' }, '', NOW)).toBe(NOW + 1500);
    expect(resolveDeliverAt({ deliverAt: NOW + 0.2 }, '', NOW)).toBe(NOW + 1);
    expect(resolveDeliverAt({ delayMs: 250 }, '', NOW)).toBe(NOW + 250);
    expect(resolveDeliverAt({ delayMs: 0.1 }, '', NOW)).toBe(NOW + 1);
  });

  const bad: [string, ScheduleOptions, string][] = [
    ['NaN delay', { delayMs: Number.NaN }, 'delayMs'],
    ['negative delay', { delayMs: -1 }, 'delayMs'],
    ['infinite delay', { delayMs: Number.POSITIVE_INFINITY }, 'delayMs'],
    ['string delay', { delayMs: '10' as unknown as number }, 'delayMs'],
    ['delay past year 9999', { delayMs: 1e16 }, 'delayMs'],
    ['both options', { delayMs: 10, deliverAt: NOW + 10 }, 'deliverAt and delayMs'],
    ['unparseable date', { deliverAt: 'tomorrow' }, 'deliverAt'],
    ['date without zone', { deliverAt: '2030-01-01T10:00:00' }, 'deliverAt'],
    ['invalid Date', { deliverAt: new Date('nope') }, 'deliverAt'],
    ['NaN epoch', { deliverAt: Number.NaN }, 'deliverAt'],
    ['object', { deliverAt: {} as unknown as Date }, 'deliverAt'],
    ['year 10000', { deliverAt: '10000-01-01T00:00:00Z' }, 'deliverAt'],
  ];
  for (const [what, options, named] of bad) {
    it(`rejects a ${what} with INVALID_ARGUMENT naming ${named}`, () => {
      expect(() => resolveDeliverAt(options, 'publish option ', NOW)).toThrow(
        expect.objectContaining({
          code: 'INVALID_ARGUMENT',
          message: expect.stringContaining(`publish option ${named}`),
        }),
      );
    });
  }
});

describe('bad scheduling options on the bus', () => {
  it('rejects a bad publish option before writing anything', async () => {
    const { bus, log } = testBus();
    await bus.createTopic('orders');
    await expect(bus.publish(order(0), { delayMs: -5 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('publish option delayMs must be a finite number'),
    });
    await expect(bus.publish(order(0), { deliverAt: 'next week' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('publish option deliverAt'),
    });
    expect((await log.listTopics()).map((t) => t.name)).toEqual(['orders']);
    expect(await log.latestOffset('orders', 0)).toBe(0n);
  });

  it('rejects a batch with one bad entry naming its index, writing nothing', async () => {
    const { bus, log } = testBus();
    await bus.createTopic('orders');
    const batch = [order(0), { event: order(1), delayMs: 50 }, { event: order(2), delayMs: Number.NaN }];
    await expect(bus.publishBatch(batch)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^Event 2 of the batch: delayMs must be/),
    });
    expect((await log.listTopics()).map((t) => t.name)).toEqual(['orders']);
    expect(await log.latestOffset('orders', 0)).toBe(0n);
  });
});
