import { describe, expect, it } from 'vitest';
import { attributeNameProblem, isJsonContentType, rfc3339Millis } from './attributes.js';

describe('isJsonContentType', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'text/json',
    'application/cloudevents+json',
    'application/vnd.acme.order.v2+json;q=1',
  ])('treats %j as JSON', (contentType) => {
    expect(isJsonContentType(contentType)).toBe(true);
  });

  it.each([
    'application/jsonp',
    'application/json-patch',
    'text/plain',
    'application/xml',
    'json',
    'application/octet-stream',
  ])('does not treat %j as JSON', (contentType) => {
    expect(isJsonContentType(contentType)).toBe(false);
  });
});

describe('rfc3339Millis', () => {
  it.each([
    ['2024-05-01T12:34:56Z', Date.UTC(2024, 4, 1, 12, 34, 56)],
    ['2024-05-01T12:34:56.789Z', Date.UTC(2024, 4, 1, 12, 34, 56, 789)],
    ['2024-05-01t12:34:56z', Date.UTC(2024, 4, 1, 12, 34, 56)],
    ['2024-05-01T14:34:56+02:00', Date.UTC(2024, 4, 1, 12, 34, 56)],
    ['2024-05-01T12:34:56.123456789Z', Date.UTC(2024, 4, 1, 12, 34, 56, 123)],
  ])('reads %j', (time, millis) => {
    expect(rfc3339Millis(time)).toBe(millis);
  });

  it.each([
    '2024-05-01',
    '2024-05-01 12:34:56Z',
    '2024-05-01T12:34:56',
    'May 1, 2024',
    '2024-13-01T00:00:00Z',
    '',
  ])('rejects %j', (time) => {
    expect(rfc3339Millis(time)).toBeNaN();
  });
});

describe('attributeNameProblem', () => {
  it('accepts lower-case letters and digits only, and reserves data and extensions', () => {
    expect(attributeNameProblem('comexample1')).toBeUndefined();
    expect(attributeNameProblem('1abc')).toBeUndefined();
    for (const bad of ['Upper', 'with_underscore', 'dash-ed', '', 'ünï']) {
      expect(attributeNameProblem(bad)).toContain('lower-case ASCII letters and digits');
    }
    expect(attributeNameProblem('data')).toContain('reserved');
    expect(attributeNameProblem('extensions')).toContain('reserved');
  });
});
