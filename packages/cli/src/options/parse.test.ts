import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  bigintArg,
  integerAtLeast,
  parseHeader,
  parsePosition,
  parseStartOffset,
  parseTime,
} from './parse.js';

describe('flag parsers', () => {
  it('reads every form of -o', () => {
    expect(parseStartOffset('beginning')).toEqual({ kind: 'beginning' });
    expect(parseStartOffset('earliest')).toEqual({ kind: 'beginning' });
    expect(parseStartOffset('end')).toEqual({ kind: 'end' });
    expect(parseStartOffset('42')).toEqual({ kind: 'offset', offset: 42n });
    expect(parseStartOffset('-3')).toEqual({ kind: 'last', count: 3n });
    expect(parseStartOffset('@1714564800000')).toEqual({ kind: 'time', timestamp: 1714564800000 });
    expect(parseStartOffset('@2024-05-01T12:00:00Z')).toEqual({ kind: 'time', timestamp: 1714564800000 });
  });

  it('rejects a bad -o naming the accepted forms', () => {
    expect(() => parseStartOffset('yesterday')).toThrow(InvalidArgumentError);
    expect(() => parseStartOffset('yesterday')).toThrow(/beginning, end, an offset/);
    expect(() => parseStartOffset('@not a time')).toThrow(/ISO 8601/);
    expect(() => parseStartOffset('4.5')).toThrow(InvalidArgumentError);
  });

  it('reads times as ISO 8601 or epoch milliseconds', () => {
    expect(parseTime('0')).toBe(0);
    expect(parseTime('2024-05-01')).toBe(Date.parse('2024-05-01'));
    expect(() => parseTime('soon')).toThrow(/milliseconds since the epoch/);
  });

  it('checks integer and bigint flags', () => {
    expect(integerAtLeast(1)('3')).toBe(3);
    expect(() => integerAtLeast(1)('0')).toThrow(/integer >= 1/);
    expect(() => integerAtLeast(0)('1e3')).toThrow(/integer >= 0/);
    expect(bigintArg('-2')).toBe(-2n);
    expect(() => bigintArg('two')).toThrow(/integer/);
  });

  it('splits headers and dead-letter positions', () => {
    expect(parseHeader('Region=eu=west')).toEqual(['region', 'eu=west']);
    expect(() => parseHeader('=x')).toThrow(/name=value/);
    expect(parsePosition('2:15')).toEqual({ partition: 2, offset: 15n });
    expect(parsePosition('7')).toEqual({ partition: 0, offset: 7n });
    expect(() => parsePosition('a:b')).toThrow(/<partition>:<offset>/);
  });
});
