import { describe, expect, it } from 'vitest';
import { testBus } from '../bus/test-support/fixtures.js';
import { testStore } from '../projections/test-support/fixtures.js';
import { rejection, thrown } from '../testing/thrown.js';
import { defineSaga } from './define-saga.js';
import { startSaga } from './start-saga.js';
import { OrderCreated, PaymentProcessed, ProcessPayment } from './test-support/order-events.js';
import { orderSaga } from './test-support/order-saga.js';
import type { StepSagaDefinition } from './types.js';

const step = {
  name: 'payment',
  invoke: () => ProcessPayment.create({ orderId: 'o', amount: 1 }),
  completesOn: PaymentProcessed,
};
const base: StepSagaDefinition<Record<string, unknown>> = {
  name: 'order_saga',
  topics: ['orders'],
  startedBy: OrderCreated,
  instanceId: (event) => event.id,
  steps: [step],
};

describe('defineSaga', () => {
  it('returns the saga with its deadline topic', () => {
    const saga = defineSaga(base);
    expect(saga).toMatchObject({ name: 'order_saga', kind: 'steps', deadlineTopic: 'order_saga.deadlines' });
    expect(Object.isFrozen(saga)).toBe(true);
  });

  it.each([
    ['no steps nor handle', { ...base, steps: undefined }, /exactly one of steps/],
    ['empty topics', { ...base, topics: [] }, /topics must be a non-empty array/],
    ['no startedBy', { ...base, startedBy: [] }, /startedBy needs at least one event type/],
    ['instanceId not a function', { ...base, instanceId: 'id' }, /instanceId must be a function/],
    ['an empty steps list', { ...base, steps: [] }, /steps must be a non-empty array/],
    ['two steps with one name', { ...base, steps: [step, step] }, /two steps are named "payment"/],
    [
      'a step without completesOn',
      { ...base, steps: [{ ...step, completesOn: [] }] },
      /completesOn needs at least one/,
    ],
    [
      'a type both completing and failing a step',
      { ...base, steps: [{ ...step, failsOn: PaymentProcessed }] },
      /both in completesOn and failsOn/,
    ],
    [
      'compensatedOn without compensate',
      { ...base, steps: [{ ...step, compensatedOn: 'payment.refunded' }] },
      /compensatedOn needs a compensate/,
    ],
    [
      'a negative timeout',
      { ...base, steps: [{ ...step, timeoutMs: -1 }] },
      /timeoutMs must be a positive number/,
    ],
    ['a zero deadline', { ...base, deadlineMs: 0 }, /deadlineMs must be a positive number/],
    [
      'a bad retry multiplier',
      { ...base, compensationRetry: { multiplier: 0 } },
      /multiplier must be a number/,
    ],
    ['a bad event type entry', { ...base, startedBy: [42] }, /startedBy must be an event type/],
  ])('rejects %s with INVALID_ARGUMENT', (_what, definition, message) => {
    // @ts-expect-error: definitions a JavaScript caller could pass
    const error = thrown(() => defineSaga(definition));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(message);
  });

  it('rejects a name that cannot name a consumer group or a topic', () => {
    expect(thrown(() => defineSaga({ ...base, name: 'bad name!' })).code).toBe('INVALID_TOPIC_NAME');
    expect(thrown(() => defineSaga({ ...base, topics: ['no spaces'] })).code).toBe('INVALID_TOPIC_NAME');
  });

  it('rejects a name with "-", whose instance streams would fall in another stream category', () => {
    const err = thrown(() => defineSaga({ ...base, name: 'order-fulfilment' }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('stream category "order"');
  });

  it('rejects a state machine without initialState', () => {
    const error = thrown(() =>
      // @ts-expect-error: initialState missing
      defineSaga({
        name: 'pm',
        topics: ['orders'],
        startedBy: 'x',
        instanceId: (e) => e.id,
        handle: () => undefined,
      }),
    );
    expect(error.message).toMatch(/initialState must be a function/);
  });
});

describe('startSaga', () => {
  it('rejects bad options with INVALID_ARGUMENT', async () => {
    const { bus } = testBus();
    const store = testStore();
    // @ts-expect-error: no store
    expect((await rejection(startSaga(orderSaga(), { bus }))).message).toMatch(/store must be an EventStore/);
    // @ts-expect-error: no bus
    expect((await rejection(startSaga(orderSaga(), { store }))).message).toMatch(/bus must be a Bus/);
    expect((await rejection(startSaga(orderSaga(), { bus, store, tenant: '' }))).message).toMatch(/tenant/);
  });

  it('fails a transition whose command has no topic, recording nothing', async () => {
    const { bus } = testBus();
    await bus.createTopic('orders');
    const store = testStore();
    const saga = defineSaga({
      ...base,
      steps: [{ ...step, invoke: () => ({ ...ProcessPayment.create({ orderId: 'o', amount: 1 }) }) }],
    });
    const sagas = await startSaga(saga, { bus, store, relay: false });
    try {
      const created = OrderCreated.create({ orderId: 'o', amount: 1 });
      const error = await rejection(sagas.apply(created));
      expect(error.message).toMatch(/cannot publish command "payment.process": it has no topic/);
      expect(await sagas.get(created.id)).toBeUndefined();
    } finally {
      await sagas.stop();
    }
  });
});
