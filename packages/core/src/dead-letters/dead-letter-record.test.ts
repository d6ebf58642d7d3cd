import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/errors.js';
import { thrown } from '../testing/thrown.js';
import { parseFailure, toDeadLetterRecord } from './dead-letter-record.js';
import { DLQ_HEADERS } from './headers.js';
import { failure, record, T0, text, utf8 } from './test-fixtures.js';

const decoded = (headers: readonly { key: string; value: Uint8Array | null }[]) =>
  headers.map((h) => [h.key, text(h.value)]);

describe('toDeadLetterRecord', () => {
  it('appends exactly the ten DLQ headers, in order, after the original headers', () => {
    const out = toDeadLetterRecord(record(), failure());
    expect(decoded(out.headers ?? [])).toEqual([
      ['ce_id', 'id-1'],
      ['ce_type', 'order.placed'],
      ['app', null],
      ['tributary.dlq.error.class', 'TypeError'],
      ['tributary.dlq.error.message', 'boom'],
      ['tributary.dlq.error.stack', 'TypeError: boom\n    at handler (h.ts:1:1)'],
      ['tributary.dlq.attempts', '3'],
      ['tributary.dlq.first.failure', '2025-03-01T10:00:00.000Z'],
      ['tributary.dlq.last.failure', '2025-03-01T10:00:00.500Z'],
      ['tributary.dlq.original.topic', 'orders'],
      ['tributary.dlq.original.partition', '0'],
      ['tributary.dlq.original.offset', '7'],
      ['tributary.dlq.group', 'billing'],
    ]);
  });

  it('keeps the original key, value, headers and timestamp byte for byte', () => {
    const original = record({ key: 'k-ü', value: '{"a":"ß"}' });
    const out = toDeadLetterRecord(original, failure());
    expect(out.key).toEqual(original.key);
    expect(out.value).toEqual(original.value);
    expect(out.timestamp).toBe(original.timestamp);
    expect(out.headers?.slice(0, 3)).toEqual(original.headers);
    expect(text(out.value)).toBe('{"a":"ß"}');
  });

  it('keeps null keys and values null', () => {
    const out = toDeadLetterRecord(record({ key: null, value: null }), failure());
    expect(out.key).toBeNull();
    expect(out.value).toBeNull();
  });

  it('replaces DLQ headers from an earlier dead-lettering instead of repeating them', () => {
    const first = toDeadLetterRecord(record(), failure({ attempts: 2, group: 'old' }));
    const again = toDeadLetterRecord(
      { ...record(), headers: first.headers ?? [] },
      failure({ attempts: 5, group: 'billing' }),
    );
    const keys = (again.headers ?? []).map((h) => h.key);
    for (const name of Object.values(DLQ_HEADERS)) expect(keys.filter((k) => k === name)).toHaveLength(1);
    const parsed = parseFailure(again.headers ?? []);
    expect(parsed.ok && parsed.failure.attempts).toBe(5);
    expect(parsed.ok && parsed.failure.group).toBe('billing');
  });

  it('writes offsets above 2^53 exactly', () => {
    const big = 2n ** 60n + 3n;
    const parsed = parseFailure(toDeadLetterRecord(record(), failure({ offset: big })).headers ?? []);
    expect(parsed.ok && parsed.failure.offset).toBe(big);
  });

  it('accepts a last failure before the first (a wall clock that stepped back)', () => {
    expect(() => toDeadLetterRecord(record(), failure({ lastFailureAt: T0 - 10 }))).not.toThrow();
  });

  it.each([
    ['attempts', { attempts: 0 }, 'an integer >= 1'],
    ['partition', { partition: -1 }, 'an integer >= 0'],
    ['offset', { offset: 7 as never }, 'a bigint'],
    ['topic', { topic: '' }, 'topic name'],
    ['group', { group: '' }, 'consumer group name'],
    ['firstFailureAt', { firstFailureAt: Number.NaN }, 'milliseconds'],
    ['error.message', { error: { errorClass: 'E', message: 1, stack: '' } as never }, 'a string'],
  ])('rejects a bad failure.%s with INVALID_ARGUMENT naming it', (field, override, expected) => {
    const err = thrown(() => toDeadLetterRecord(record(), failure(override as never)));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain(`failure.${field} must be`);
    expect(err.message).toContain(expected);
    expect(err instanceof ValidationError && err.issues[0]?.path).toBe(field);
  });
});

describe('parseFailure', () => {
  it('reads back the failure it wrote', () => {
    const info = failure({ partition: 3, offset: 42n, error: { errorClass: 'E', message: 'ü', stack: '' } });
    const parsed = parseFailure(toDeadLetterRecord(record(), info).headers ?? []);
    expect(parsed).toEqual({ ok: true, failure: info });
  });

  it('names the first missing or malformed header', () => {
    const headers = (toDeadLetterRecord(record(), failure()).headers ?? []).map((h) =>
      h.key === DLQ_HEADERS.offset ? { key: h.key, value: utf8('-1') } : h,
    );
    expect(parseFailure(headers)).toEqual({
      ok: false,
      problem: 'header tributary.dlq.original.offset is missing or invalid',
    });
    expect(parseFailure(record().headers)).toEqual({
      ok: false,
      problem: 'header tributary.dlq.original.topic is missing or invalid',
    });
  });
});
