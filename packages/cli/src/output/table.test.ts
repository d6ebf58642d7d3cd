import { describe, expect, it } from 'vitest';
import { formatTable } from './table.js';

describe('formatTable', () => {
  it('aligns columns, prints missing cells as "-" and leaves no trailing spaces', () => {
    const text = formatTable(
      ['GROUP', 'PARTITION', 'LAG', 'CLIENT-ID'],
      [
        ['billing', 0, 12n, null],
        ['a', 10, undefined, 'trib-cli'],
      ],
    );
    expect(text).toBe(
      'GROUP    PARTITION  LAG  CLIENT-ID\n' +
        'billing  0          12   -\n' +
        'a        10         -    trib-cli\n',
    );
  });
});
