import { describe, expect, it } from 'vitest';
import { isTributaryError, LogError, TributaryError, ValidationError } from '../errors/errors.js';
import { thrown } from '../testing/thrown.js';
import { describeFailure, isPermanentFailure, PermanentError } from './errors.js';

/** An error as a second copy of the package would build it: same shape, different class. */
class ForeignCopyError extends Error {
  readonly code = 'PERMANENT_FAILURE';
}

describe('PermanentError', () => {
  it('is a non-retryable TributaryError with code PERMANENT_FAILURE that keeps its cause', () => {
    const cause = new Error('row missing');
    const err = new PermanentError('order o-1 does not exist', { cause });
    expect(err).toBeInstanceOf(TributaryError);
    expect(err).toMatchObject({
      name: 'PermanentError',
      code: 'PERMANENT_FAILURE',
      isRetryable: false,
      message: 'order o-1 does not exist',
    });
    expect(err.cause).toBe(cause);
    expect(isTributaryError(err, 'PERMANENT_FAILURE')).toBe(true);
  });

  it('has no cause when none is given', () => {
    expect('cause' in new PermanentError('bad')).toBe(false);
  });
});

describe('isPermanentFailure', () => {
  const alwaysRetry = (): boolean => true;
  const neverRetry = (): boolean => false;
  const cases: [string, unknown, ((e: unknown) => boolean) | undefined, boolean][] = [
    ['a PermanentError', new PermanentError('x'), undefined, true],
    ['a PermanentError even when the hook says retryable', new PermanentError('x'), alwaysRetry, true],
    [
      'a permanent error from another copy of the package (by code)',
      new ForeignCopyError('x'),
      undefined,
      true,
    ],
    ['a SCHEMA_MISMATCH ValidationError', new ValidationError('SCHEMA_MISMATCH', 'x'), undefined, true],
    [
      'an UNKNOWN_EVENT_TYPE ValidationError',
      new ValidationError('UNKNOWN_EVENT_TYPE', 'x'),
      undefined,
      true,
    ],
    ['an INVALID_ENVELOPE ValidationError', new ValidationError('INVALID_ENVELOPE', 'x'), undefined, true],
    [
      'an INVALID_ARGUMENT ValidationError (a bug, not the record)',
      new ValidationError('INVALID_ARGUMENT', 'x'),
      undefined,
      false,
    ],
    ['a plain Error', new Error('timeout'), undefined, false],
    ['a non-retryable TributaryError of another code', new LogError('CLOSED', 'x'), undefined, false],
    ['a thrown string', 'boom', undefined, false],
    ['undefined', undefined, undefined, false],
    ['an error the hook calls not retryable', new Error('401'), neverRetry, true],
    ['a thrown string the hook calls not retryable', 'boom', neverRetry, true],
    ['an error the hook calls retryable', new Error('503'), alwaysRetry, false],
  ];
  it.each(cases)('classifies %s', (_name, error, hook, expected) => {
    expect(isPermanentFailure(error, hook)).toBe(expected);
  });

  it('passes the error itself to the hook', () => {
    const seen: unknown[] = [];
    const err = new Error('x');
    isPermanentFailure(err, (e) => {
      seen.push(e);
      return true;
    });
    expect(seen).toEqual([err]);
  });

  it('treats a hook that throws as no opinion (transient) instead of crashing the consumer', () => {
    const throwing = (): boolean => {
      throw new Error('classifier bug');
    };
    expect(isPermanentFailure(new Error('x'), throwing)).toBe(false);
  });
});

describe('describeFailure', () => {
  it('describes an Error by class name, message and stack', () => {
    const d = describeFailure(new TypeError('bad type'));
    expect(d.errorClass).toBe('TypeError');
    expect(d.message).toBe('bad type');
    expect(d.stack.split('\n')[0]).toBe('TypeError: bad type');
  });

  it('names a Tributary error by its class and a custom Error subclass by its constructor', () => {
    class DatabaseDown extends Error {}
    expect(describeFailure(new PermanentError('x')).errorClass).toBe('PermanentError');
    expect(describeFailure(new DatabaseDown('x')).errorClass).toBe('DatabaseDown');
  });

  it('trims the stack to maxStackLines lines (10 by default)', () => {
    const err = new Error('deep');
    err.stack = [
      'Error: deep',
      ...Array.from({ length: 30 }, (_, i) => `    at frame${i} (f.ts:${i}:1)`),
    ].join('\n');
    expect(describeFailure(err).stack.split('\n')).toHaveLength(10);
    const three = describeFailure(err, 3).stack.split('\n');
    expect(three).toEqual(['Error: deep', '    at frame0 (f.ts:0:1)', '    at frame1 (f.ts:1:1)']);
    expect(describeFailure(err, 0).stack).toBe('');
  });

  it('cuts a stack and a message longer than 2000 characters', () => {
    const err = new Error('m'.repeat(5000));
    err.stack = `Error: ${'s'.repeat(5000)}`;
    const d = describeFailure(err);
    expect(d.message).toHaveLength(2000);
    expect(d.stack).toHaveLength(2000);
    expect(d.stack.endsWith('…')).toBe(true);
  });

  it.each([
    ['a string', 'plain words', { errorClass: 'string', message: 'plain words', stack: '' }],
    ['a number', 42, { errorClass: 'number', message: '42', stack: '' }],
    ['undefined', undefined, { errorClass: 'undefined', message: 'undefined', stack: '' }],
    ['null', null, { errorClass: 'null', message: 'null', stack: '' }],
    ['a plain object', { status: 503 }, { errorClass: 'Object', message: '{"status":503}', stack: '' }],
    [
      'an error-like object',
      { name: 'HttpError', message: 'gone' },
      { errorClass: 'HttpError', message: 'gone', stack: '' },
    ],
  ])('describes a thrown %s', (_name, value, expected) => {
    expect(describeFailure(value)).toEqual(expected);
  });

  it('never throws on hostile values (cyclic objects, throwing getters)', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeFailure(cyclic)).toEqual({ errorClass: 'Object', message: '[object Object]', stack: '' });
    const hostile = Object.defineProperty(new Error('x'), 'message', {
      get() {
        throw new Error('getter');
      },
    });
    expect(describeFailure(hostile)).toMatchObject({ errorClass: 'Error', message: '' });
  });

  it('rejects a maxStackLines that is not an integer from 0 to 1000', () => {
    for (const bad of [-1, 1.5, 1001, Number.NaN]) {
      const err = thrown(() => describeFailure(new Error('x'), bad));
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(err.message).toContain('maxStackLines must be an integer from 0 to 1000');
    }
  });
});
