import { AssertionError } from 'node:assert';
import { describe, expect, it } from 'vitest';
import { DeciderSpecification } from './decider-specification.js';
import {
  ItemAdded,
  OrderError,
  OrderNotPaid,
  OrderPaid,
  OrderPlaced,
  OrderShipped,
  orderAggregate,
  orderDecider,
} from './test-support/order.js';

const spec = DeciderSpecification.for(orderDecider);
const placed = OrderPlaced.create({ orderId: 'o-1', customerId: 'c-7' });
const book = ItemAdded.create({ sku: 'book', quantity: 2, price: 10 });
const paid = OrderPaid.create({ amount: 20 });
const ship = { type: 'ship', carrier: 'dhl' } as const;

/** The AssertionError `fn` throws. */
function failure(fn: () => void): AssertionError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AssertionError) return err;
    throw err;
  }
  throw new Error('expected the specification to fail');
}

describe('DeciderSpecification', () => {
  it('passes when decide returns the expected events, compared by type and data only', () => {
    spec
      .given([placed, book, paid])
      .when(ship)
      .then([OrderShipped.create({ carrier: 'dhl' })]);
    spec
      .given([placed, book])
      .when({ type: 'pay' })
      .then({ type: 'order.paid', data: { amount: 20 } });
    DeciderSpecification.for(orderAggregate())
      .given()
      .when({ type: 'place', orderId: 'o-1', customerId: 'c-7' })
      .then([{ type: 'order.placed', data: { orderId: 'o-1', customerId: 'c-7' } }]);
  });

  it('fails with a diff naming the history, the command and the differing data', () => {
    const error = failure(() =>
      spec
        .given([placed, book])
        .when({ type: 'pay' })
        .then([{ type: 'order.paid', data: { amount: 25 } }]),
    );
    expect(error.message).toContain("given [order.placed, order.item-added], when { type: 'pay' }");
    expect(error.message).toContain('decide returned other events than expected');
    expect(error.message).toMatch(/amount: 20[\s\S]*amount: 25|amount: 25[\s\S]*amount: 20/);
    expect(error.actual).toEqual([{ type: 'order.paid', data: { amount: 20 } }]);
    expect(error.expected).toEqual([{ type: 'order.paid', data: { amount: 25 } }]);
  });

  it('fails when decide returns more or fewer events than expected', () => {
    const error = failure(() => spec.given([placed, book, paid]).when(ship).then([]));
    expect(error.message).toContain('order.shipped');
  });

  it('fails "then" with the domain error when decide throws', () => {
    const error = failure(() =>
      spec
        .given([placed])
        .when(ship)
        .then([{ type: 'order.shipped', data: { carrier: 'dhl' } }]),
    );
    expect(error.message).toContain(
      'decide threw instead of returning 1 event: OrderError: The order is not paid yet.',
    );
    expect(error.cause).toBeInstanceOf(OrderNotPaid);
  });

  it('checks the thrown error by class or by predicate', () => {
    spec.given([placed]).when(ship).thenThrows(OrderNotPaid);
    spec.given([placed]).when(ship).thenThrows(OrderError);
    spec
      .given([placed])
      .when(ship)
      .thenThrows((error) => error instanceof Error && /not paid/.test(error.message));
    spec.given([placed]).when(ship).thenThrows();
  });

  it('fails thenThrows when decide returns events or throws something else', () => {
    const returned = failure(() => spec.given([placed, paid]).when(ship).thenThrows(OrderNotPaid));
    expect(returned.message).toContain(
      'decide was expected to throw OrderNotPaid, but it returned 1 event: [order.shipped]',
    );
    const other = failure(() => spec.given([placed]).when(ship).thenThrows(TypeError));
    expect(other.message).toContain(
      'expected to throw TypeError, but it threw OrderError: The order is not paid yet.',
    );
    const rejected = failure(() =>
      spec
        .given([placed])
        .when(ship)
        .thenThrows(function isTimeout() {
          return false;
        }),
    );
    expect(rejected.message).toContain('an error accepted by isTimeout');
  });

  it('checks that nothing was decided', () => {
    const shipped = OrderShipped.create({ carrier: 'dhl' });
    spec.given([placed, paid, shipped]).when(ship).thenNothing();
    const error = failure(() => spec.given([placed, paid]).when(ship).thenNothing());
    expect(error.message).toContain('decide returned 1 event instead of none: [order.shipped]');
  });

  it('checks the state after the decided events', () => {
    spec
      .given([placed])
      .when({ type: 'add-item', sku: 'pen', quantity: 3, price: 2 })
      .thenState({
        status: 'placed',
        customerId: 'c-7',
        items: [{ sku: 'pen', quantity: 3, price: 2 }],
        total: 6,
      });
    const error = failure(() =>
      spec
        .given([placed])
        .when({ type: 'pay' })
        .thenState({ status: 'placed', customerId: 'c-7', items: [], total: 0 }),
    );
    expect(error.message).toContain('the state after the decided events differs');
    expect(error.message).toContain("status: 'paid'");
  });

  it('tells a user who awaits a specification that it is not a promise', async () => {
    const awaited = async () => {
      // TypeScript flags this await too; plain JavaScript would not.
      const notAPromise: unknown = spec.given([placed]).when(ship);
      await notAPromise;
    };
    await expect(awaited()).rejects.toThrow(/is not a promise: do not await it/);
  });
});
