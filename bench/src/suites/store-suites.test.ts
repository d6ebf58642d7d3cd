import { describe, expect, it } from 'vitest';
import { orderAt } from '../events.js';
import { catchUpNote } from './projection-catchup.js';
import { expectedTotals } from './store-load.js';

describe('expectedTotals', () => {
  it('is the count and summed totals of the generator’s first n orders', () => {
    expect(expectedTotals(3)).toEqual({
      count: 3,
      total: orderAt(0).total + orderAt(1).total + orderAt(2).total,
    });
    expect(expectedTotals(0)).toEqual({ count: 0, total: 0 });
  });
});

describe('catchUpNote', () => {
  it('says how many events were pre-filled when the projection caught up on all of them', () => {
    expect(catchUpNote(100_000, 100_000, 5)).toBe('100,000 events pre-filled');
  });

  it('says the row was capped, and how far it got, when it did not', () => {
    expect(catchUpNote(9_000, 100_000, 5)).toBe('100,000 events pre-filled; capped at 5 s (9,000 handled)');
  });
});
