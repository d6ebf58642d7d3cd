import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCliOptions } from './cli-options.js';
import { main } from './main.js';
import { captureOutput } from './test-support/output.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'order-fulfilment-main-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('main', () => {
  it('runs the demo and writes the JSON summary with exactly the documented keys', async () => {
    const json = join(dir, 'summary.json');
    const data = join(dir, 'data');
    const argv = ['--orders', '20', '--rate', '1000', '--failure-rate', '0.3', '--seed', '7'];
    const code = await main([...argv, '--json', json, '--data', data], { out: captureOutput() });

    expect(code).toBe(0);
    const summary = JSON.parse(await readFile(json, 'utf8'));
    expect(Object.keys(summary).sort()).toEqual(
      [
        'cancelled',
        'completed',
        'dead_letters',
        'duration_s',
        'events',
        'orders',
        'retries',
        'violations',
      ].sort(),
    );
    expect(summary).toMatchObject({ orders: 20, violations: 0, dead_letters: 0 });
    expect(summary.completed + summary.cancelled).toBe(20);
    expect(summary.events).toBeGreaterThanOrEqual(20 * 6);
    expect(summary.duration_s).toBeGreaterThan(0);
    // A directory given with --data is the user's: it is kept, audit log included.
    expect(existsSync(join(data, 'audit.jsonl'))).toBe(true);
  });

  it('prints the usage for --help and exits 0', async () => {
    const out = captureOutput();
    expect(await main(['--help'], { out })).toBe(0);
    expect(out.text()).toContain('--failure-rate F');
  });

  it('rejects a bad option with exit code 2 and a message naming it', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['--failure-rate', '1.5'], { out: captureOutput() })).toBe(2);
      expect(String(stderr.mock.calls[0]?.[0])).toContain(
        'Invalid --failure-rate "1.5": expected a number from 0 to 1',
      );
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('parseCliOptions', () => {
  it('fills the defaults', () => {
    expect(parseCliOptions([])).toMatchObject({
      orders: 200,
      rate: 50,
      failureRate: 0.1,
      data: undefined,
      keep: false,
      json: undefined,
      timeout: 120,
    });
  });

  it.each([
    [['--orders', '0'], '--orders "0"'],
    [['--orders', '2.5'], '--orders "2.5"'],
    [['--rate', 'fast'], '--rate "fast"'],
    [['--seed', ''], '--seed ""'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['extra'], 'extra'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCliOptions(argv)).toThrow(message);
  });
});
