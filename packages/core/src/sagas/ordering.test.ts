import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testBus } from '../bus/test-support/fixtures.js';
import type { CloudEvent } from '../envelope/types.js';
import { defineEvent } from '../events/define-event.js';
import type { EventStore } from '../ports/event-store.js';
import { testStore, wrapStore } from '../projections/test-support/fixtures.js';
import { waitFor } from '../testing/wait-for.js';
import { defineSaga } from './define-saga.js';
import { SagaEngine } from './engine.js';
import { readInstance } from './instance-view.js';
import { stateMachine } from './state-machine.js';
import {
  OrderShipped,
  PaymentProcessed,
  ProcessPayment,
  StockReserved,
} from './test-support/order-events.js';
import { sagaHarness } from './test-support/order-saga.js';

const paid = (id?: string) =>
  PaymentProcessed.create(
    { orderId: 'o-1', paymentId: 'pay-o-1' },
    { correlationid: 'o-1', ...(id ? { id } : {}) },
  );

describe('duplicate and out-of-order events', () => {
  it('applies an event id once, whether re-delivered by the bus or applied again directly', async () => {
    const h = await sagaHarness(undefined, { [ProcessPayment.type]: () => 'silent' });
    await h.start('o-1');
    await waitFor(() => h.services.commands.length === 1);
    const event = paid('11111111-1111-4111-8111-111111111111');
    await h.bus.publish(event, { topic: 'replies' });
    await h.bus.publish(event, { topic: 'replies' });
    await waitFor(async () => (await h.sagas.get('o-1'))?.completedSteps.includes('payment'));
    expect(await h.sagas.apply(event)).toBe('duplicate');
    await h.until('o-1', 'completed');
    const history = (await h.sagas.get('o-1'))?.history ?? [];
    expect(history.filter((e) => e.eventId === event.id)).toHaveLength(1);
    expect(h.sagas.status().duplicates).toBeGreaterThanOrEqual(1);
  });

  it('records a completion for a step that is not current as ignored, without changing the state', async () => {
    const h = await sagaHarness(undefined, { [ProcessPayment.type]: () => 'silent' });
    await h.start('o-1');
    await waitFor(() => h.services.commands.length === 1);
    const early = StockReserved.create({ orderId: 'o-1' }, { correlationid: 'o-1' });
    const later = OrderShipped.create({ orderId: 'o-1' }, { correlationid: 'o-1' });
    expect(await h.sagas.apply(early)).toBe('applied');
    expect(await h.sagas.apply(later)).toBe('applied');
    const view = await h.sagas.get('o-1');
    expect(view).toMatchObject({ status: 'running', currentStep: 'payment', completedSteps: [] });
    expect(view?.history.slice(1).map((e) => e.transition)).toEqual([
      'ignored stock.reserved: step "payment" awaits payment.processed, payment.failed',
      'ignored shipping.shipped: step "payment" awaits payment.processed, payment.failed',
    ]);
    // Deterministic: the ignored event stays ignored when it comes again, even once its step is current.
    await h.bus.publish(paid(), { topic: 'replies' });
    await h.until('o-1', 'completed');
    expect(await h.sagas.apply(early)).toBe('duplicate');
    // A second completion of a finished step (new id) is ignored too.
    expect(await h.sagas.apply(paid())).toBe('applied');
    const done = await h.sagas.get('o-1');
    expect(done?.status).toBe('completed');
    expect(done?.history.at(-1)?.transition).toBe('ignored payment.processed: the saga is completed');
  });

  it('skips events of no instance, of unrelated types, and without an instance id', async () => {
    const h = await sagaHarness();
    expect(await h.sagas.apply(paid())).toBe('skipped'); // o-1 was never started
    expect(await h.sagas.apply(ProcessPayment.create({ orderId: 'x', amount: 1 }))).toBe('skipped');
    expect(await h.sagas.get('o-1')).toBeUndefined();
  });
});

const Opened = defineEvent('tally.opened', { version: 1, schema: z.object({}), topic: 'tallies' });
const Added = defineEvent('tally.added', {
  version: 1,
  schema: z.object({ n: z.number() }),
  topic: 'tallies',
});

/** A process manager summing `tally.added` events per subject. */
const Tally = defineSaga({
  name: 'tally',
  topics: ['tallies'],
  startedBy: Opened,
  instanceId: (event) => event.subject,
  initialState: () => ({ total: 0, seen: [] as string[] }),
  handle: (state, event) =>
    Added.is(event)
      ? { state: { total: state.total + Added.parse(event).data.n, seen: [...state.seen, event.id] } }
      : { state },
});

/** `store` whose first `count` stream reads all wait for each other: two writers load the same version. */
function lockstepReads(store: EventStore, count: number): EventStore {
  let waiting = 0;
  let release: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return wrapStore(store, {
    readStream: async (...args: Parameters<EventStore['readStream']>) => {
      const result = await store.readStream(...args);
      if (waiting < count) {
        waiting += 1;
        if (waiting === count) release();
        await all;
      }
      return result;
    },
  });
}

function engineOn(store: EventStore) {
  const { bus } = testBus();
  const definition = Tally.definition;
  if (definition.handle === undefined) throw new Error('Tally is a state machine');
  return new SagaEngine(
    {
      name: Tally.name,
      deadlineTopic: Tally.deadlineTopic,
      commandTopic: undefined,
      instanceIdOf: definition.instanceId,
    },
    stateMachine(definition),
    {
      bus,
      store,
      tenant: undefined,
      onError: (e) => {
        throw e;
      },
    },
  );
}

describe('concurrent events for one instance', () => {
  it('loses no update when two writers apply events at once: the conflicting one reloads and retries', async () => {
    const store = testStore();
    const setup = engineOn(store);
    expect(await setup.apply(Opened.create({}, { subject: 't-1' }))).toBe('applied');
    // Two "processes" (engines with their own locks) load version 1 together, then both append.
    const shared = lockstepReads(store, 2);
    const [a, b] = [engineOn(shared), engineOn(shared)];
    const events: CloudEvent[] = [
      Added.create({ n: 1 }, { subject: 't-1' }),
      Added.create({ n: 2 }, { subject: 't-1' }),
    ];
    expect(await Promise.all([a.apply(events[0] as CloudEvent), b.apply(events[1] as CloudEvent)])).toEqual([
      'applied',
      'applied',
    ]);
    expect(a.status().conflicts + b.status().conflicts).toBe(1);
    const view = await readInstance<{ total: number; seen: string[] }>(store, 'tally', 't-1', 'default');
    expect(view?.data.total).toBe(3);
    expect(view?.version).toBe(3n);
    expect(new Set(view?.data.seen)).toEqual(new Set(events.map((e) => e.id)));
  });

  it('applies events of one instance one at a time within a process', async () => {
    const store = testStore();
    const engine = engineOn(store);
    await engine.apply(Opened.create({}, { subject: 't-1' }));
    const adds = Array.from({ length: 20 }, (_, i) => Added.create({ n: i + 1 }, { subject: 't-1' }));
    await Promise.all(adds.map((e) => engine.apply(e)));
    expect(engine.status().conflicts).toBe(0);
    const view = await readInstance<{ total: number }>(store, 'tally', 't-1', 'default');
    expect(view?.data.total).toBe(210);
  });
});
