import { describe, expect, it } from 'vitest';
import { CliError } from '../exit-codes.js';
import { chooseTarget } from './open-target.js';

describe('chooseTarget', () => {
  it('uses the data directory ./data when nothing is set', () => {
    expect(chooseTarget({}, {})).toEqual({ kind: 'local', dir: './data' });
  });

  it('prefers flags, then TRIB_URL, then TRIB_DATA_DIR', () => {
    const env = { TRIB_URL: 'http://server:8080', TRIB_DATA_DIR: '/env/data', TRIB_API_KEY: 'k1' };
    expect(chooseTarget({}, env)).toEqual({ kind: 'http', url: 'http://server:8080', apiKey: 'k1' });
    expect(chooseTarget({ data: '/flag/data' }, env)).toEqual({ kind: 'local', dir: '/flag/data' });
    expect(chooseTarget({ url: 'http://other', apiKey: 'k2' }, env)).toEqual({
      kind: 'http',
      url: 'http://other',
      apiKey: 'k2',
    });
    expect(chooseTarget({}, { TRIB_DATA_DIR: '/env/data', TRIB_URL: '' })).toEqual({
      kind: 'local',
      dir: '/env/data',
    });
  });

  it('refuses --url together with --data as a usage error', () => {
    expect(() => chooseTarget({ url: 'http://x', data: './d' }, {})).toThrow(CliError);
    expect(() => chooseTarget({ url: 'http://x', data: './d' }, {})).toThrow(/either --url .* or --data/);
  });
});
