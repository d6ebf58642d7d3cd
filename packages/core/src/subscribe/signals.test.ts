import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../testing/wait-for.js';
import { shutdownOnSignals } from './signals.js';

describe('shutdownOnSignals', () => {
  let dispose = () => {};
  afterEach(() => dispose());

  it('stops every target in order on SIGTERM, passing the timeout, then is removable', async () => {
    const calls: string[] = [];
    const targets = [
      { stop: async (o?: { timeoutMs?: number }) => void calls.push(`subscription ${o?.timeoutMs}`) },
      { close: async () => void calls.push('bus') },
    ];
    dispose = shutdownOnSignals(targets, { exit: false, timeoutMs: 1234, signals: ['SIGUSR2'] });
    process.emit('SIGUSR2', 'SIGUSR2');
    await waitFor(() => calls.length === 2);
    expect(calls).toEqual(['subscription 1234', 'bus']);
    dispose();
    expect(process.listenerCount('SIGUSR2')).toBe(0);
  });

  it('reports a failing stop and still stops the others', async () => {
    const errors: unknown[] = [];
    const calls: string[] = [];
    const targets = [
      {
        stop: async () => {
          throw new Error('stuck');
        },
      },
      { close: async () => void calls.push('bus') },
    ];
    dispose = shutdownOnSignals(targets, {
      exit: false,
      signals: ['SIGUSR2'],
      onError: (e) => errors.push(e),
    });
    process.emit('SIGUSR2', 'SIGUSR2');
    await waitFor(() => calls.length === 1);
    expect(errors).toHaveLength(1);
  });
});
