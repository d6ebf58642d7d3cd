import { describe, expect, it } from 'vitest';
import { EMPTY_TOTALS, evolveOrderTotals, fieldOf, foldOrderTotals, isOrderTotals } from './aggregate.js';

describe('evolveOrderTotals', () => {
  it('counts the order and adds its total', () => {
    expect(evolveOrderTotals({ count: 2, total: 100 }, { total: 50 })).toEqual({ count: 3, total: 150 });
  });

  it('rejects data without a numeric total, so a store returning the wrong payload fails its row', () => {
    expect(() => evolveOrderTotals(EMPTY_TOTALS, { total: '50' })).toThrow(/no numeric "total"/);
    expect(() => evolveOrderTotals(EMPTY_TOTALS, undefined)).toThrow(/no numeric "total"/);
  });
});

describe('foldOrderTotals', () => {
  it('folds every item through the accessor, starting from the given state', () => {
    const rows = [{ data: { total: 1 } }, { data: { total: 2 } }];
    expect(foldOrderTotals({ count: 10, total: 10 }, rows, (r) => r.data)).toEqual({ count: 12, total: 13 });
  });
});

describe('isOrderTotals', () => {
  it('accepts a state that went through JSON and rejects anything else', () => {
    expect(isOrderTotals(JSON.parse('{"count":1,"total":2}'))).toBe(true);
    expect(isOrderTotals({ count: '1', total: 2 })).toBe(false);
    expect(isOrderTotals(null)).toBe(false);
  });
});

describe('fieldOf', () => {
  it('reads a key of an object and gives undefined for non-objects', () => {
    expect(fieldOf({ a: 1 }, 'a')).toBe(1);
    expect(fieldOf('text', 'length')).toBeUndefined();
    expect(fieldOf(null, 'a')).toBeUndefined();
  });
});
