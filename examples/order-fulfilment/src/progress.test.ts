import { describe, expect, it } from 'vitest';
import { formatProgress, type ProgressSample, startProgress } from './progress.js';
import { captureOutput } from './test-support/output.js';

const sample: ProgressSample = {
  placed: 20,
  total: 30,
  pending: 5,
  completed: 14,
  cancelled: 1,
  events: 120,
  retries: 2,
  deadLetters: 0,
  lag: 7,
};

/** Resolves once `condition` holds, checking every few milliseconds. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the progress display', () => {
  it('shows orders per status, throughput, retries, dead letters and lag on one line', () => {
    expect(formatProgress(sample, 240.4, 12.6)).toBe(
      'orders 20/30 placed │ pending 5 · completed 14 · cancelled 1 │ 13 orders/s · 240 events/s │ retries 2 · dead letters 0 · lag 7',
    );
  });

  it('prints plain lines when the output is not a terminal', async () => {
    const out = captureOutput();
    const progress = startProgress({ out, sample: async () => sample, intervalMs: 5 });
    await until(() => out.text().split('\n').length > 2);
    await progress.stop();
    const lines = out.text().trimEnd().split('\n');
    expect(lines.every((line) => line.startsWith('orders 20/30 placed'))).toBe(true);
    expect(out.text()).not.toContain('\r');
  });

  it('rewrites one line in place on a terminal, cut to its width, and ends it when stopped', async () => {
    const out = Object.assign(captureOutput(), { isTTY: true, columns: 40 });
    const progress = startProgress({ out, sample: async () => sample, intervalMs: 5 });
    await until(() => out.text().includes('\r'));
    await progress.stop();
    const [live, final] = out
      .text()
      .split('\r\x1b[2K')
      .filter((part) => part.length > 0)
      .slice(-2);
    expect(live).toHaveLength(39);
    expect(live?.endsWith('…')).toBe(true);
    expect(final).toMatch(/lag 7\n$/);
  });
});
