import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('resolves once the condition holds, sync or async', async () => {
    let calls = 0;
    await waitFor(() => ++calls >= 3);
    expect(calls).toBe(3);
    await waitFor(async () => true);
  });

  it('rejects after the timeout naming the condition', async () => {
    await expect(waitFor(() => false, { timeoutMs: 20, message: 'the moon is blue' })).rejects.toThrow(
      'condition not met within 20 ms: the moon is blue',
    );
  });

  it('rethrows what the condition throws', async () => {
    await expect(
      waitFor(() => {
        throw new Error('broken check');
      }),
    ).rejects.toThrow('broken check');
  });
});
