import { describe, expect, it } from 'vitest';
import type { CloudEvent } from '../envelope/types.js';
import { createMemoryEventStore } from './memory-event-store.js';

const event = (id: string): CloudEvent => ({
  specversion: '1.0',
  id,
  source: 'test',
  type: 'order.placed',
  time: new Date().toISOString(),
  data: { id },
});

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('memory event store isolation', () => {
  it('shows readers nothing of a transaction until it commits', async () => {
    const store = createMemoryEventStore({ outboxTopic: () => 'orders' });
    await store.appendToStream('order-1', [event('a')]);
    const appended = gate();
    const release = gate();
    const committing = store.transaction(async (tx) => {
      await tx.appendToStream('order-1', [event('b')]);
      await tx.appendToStream('order-2', [event('c')]);
      appended.open();
      await release.opened;
    });
    await appended.opened;
    expect((await store.readAll()).map((r) => r.event.id)).toEqual(['a']);
    expect((await store.readStream('order-1')).map((r) => r.event.id)).toEqual(['a']);
    expect((await store.getStream('order-1'))?.version).toBe(1n);
    expect(await store.getStream('order-2')).toBeUndefined();
    expect(await store.headPosition()).toBe(1n);
    expect(await store.outbox.countPending()).toBe(1);
    release.open();
    await committing;
    expect((await store.readAll()).map((r) => r.event.id)).toEqual(['a', 'b', 'c']);
    expect(await store.outbox.countPending()).toBe(3);
    await store.close();
  });

  it('gives inline projections an undefined transaction handle', async () => {
    const handles: unknown[] = [];
    const store = createMemoryEventStore({
      inlineProjections: [{ name: 'p', apply: (_events, tx) => void handles.push(tx) }],
    });
    await store.appendToStream('order-1', [event('a')]);
    await store.transaction(async (tx) => {
      expect(tx.db).toBeUndefined();
      await tx.appendToStream('order-1', [event('b')]);
    });
    expect(handles).toEqual([undefined, undefined]);
    await store.close();
  });

  it('rejects a transaction handle used after its transaction ended', async () => {
    const store = createMemoryEventStore();
    let leaked: Parameters<Parameters<typeof store.transaction>[0]>[0] | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked?.appendToStream('order-1', [event('a')])).rejects.toMatchObject({ code: 'CLOSED' });
    expect(await store.readAll()).toEqual([]);
    await store.close();
  });

  it('rejects bad options synchronously with INVALID_ARGUMENT', () => {
    const bad = [
      { upcasters: {} },
      { outboxTopic: 'orders' },
      { inlineProjections: [{ name: '' }] },
      { other: 1 },
    ];
    for (const options of bad)
      expect(() => createMemoryEventStore(options as never)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
  });
});
