import { describe, expect, it } from 'vitest';
import { withSearchPath } from './pg-schema.js';

describe('withSearchPath', () => {
  it('adds the search_path option and keeps the rest of the URL', () => {
    const url = withSearchPath('postgres://postgres@127.0.0.1:5432/test?sslmode=disable', 'bench_1');
    const parsed = new URL(url);
    expect(parsed.searchParams.get('options')).toBe('-c search_path=bench_1');
    expect(parsed.searchParams.get('sslmode')).toBe('disable');
    expect(parsed.pathname).toBe('/test');
  });
});
