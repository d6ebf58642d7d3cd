import { describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { testBus } from '../bus/test-support/fixtures.js';
import { fromLogRecord } from '../envelope/kafka-binary-codec.js';
import { defineEvent } from '../events/define-event.js';
import { testStore } from '../projections/test-support/fixtures.js';
import { waitFor } from '../testing/wait-for.js';
import { defineSaga } from './define-saga.js';
import { startSaga } from './start-saga.js';

const invoice = z.object({ invoiceId: z.string() });
const InvoiceIssued = defineEvent('invoice.issued', { version: 1, schema: invoice, topic: 'invoices' });
const InvoicePaid = defineEvent('invoice.paid', { version: 1, schema: invoice, topic: 'invoices' });
const InvoiceViewed = defineEvent('invoice.viewed', { version: 1, schema: invoice, topic: 'invoices' });
const SendReminder = defineEvent('invoice.remind', {
  version: 1,
  schema: z.object({ invoiceId: z.string(), n: z.number() }),
  topic: 'mail',
});
const SendToCollection = defineEvent('invoice.collect', { version: 1, schema: invoice, topic: 'mail' });

interface Dunning {
  invoiceId: string;
  reminders: number;
}

/** A process manager: reminds twice, 100 ms apart, then hands the invoice to collection. */
const Dunning = defineSaga<Dunning>({
  name: 'dunning',
  topics: ['invoices'],
  startedBy: InvoiceIssued,
  handles: [InvoicePaid, InvoiceViewed],
  instanceId: (event) => event.subject,
  initialState: (event) => ({ invoiceId: event.subject ?? '?', reminders: 0 }),
  handle: (state, event, ctx) => {
    const remindAt = new Date(ctx.now.getTime() + 100);
    if (InvoiceIssued.is(event))
      return { state, deadlines: [{ name: 'remind', at: remindAt }], transition: 'issued' };
    if (InvoicePaid.is(event)) return { state, status: 'completed', transition: 'paid' };
    if (ctx.deadline === 'remind') {
      const reminders = state.reminders + 1;
      const { invoiceId } = state;
      if (reminders > 2)
        return {
          state,
          status: 'failed',
          commands: [SendToCollection.create({ invoiceId }, { causedBy: event })],
          transition: 'sent to collection',
        };
      return {
        state: { ...state, reminders },
        commands: [SendReminder.create({ invoiceId, n: reminders }, { causedBy: event })],
        deadlines: [{ name: 'remind', at: remindAt }],
      };
    }
    return undefined; // invoice.viewed changes nothing
  },
});

async function running() {
  const { bus, log } = testBus();
  for (const topic of ['invoices', 'mail']) await bus.createTopic(topic);
  const store = testStore();
  const sagas = await startSaga(Dunning, { bus, store, relay: { pollIntervalMs: 20 } });
  onTestFinished(() => sagas.stop());
  const mail = async () => (await log.fetch('mail', 0, 0n)).records.map((r) => fromLogRecord(r));
  return { bus, sagas, mail };
}

describe('a state-machine saga (process manager)', () => {
  it('fires its deadlines into handle, publishes commands, and ends with a final status', async () => {
    const { bus, sagas, mail } = await running();
    await bus.publish(InvoiceIssued.create({ invoiceId: 'i-1' }, { subject: 'i-1' }));
    await waitFor(async () => (await sagas.get('i-1'))?.status === 'failed', { timeoutMs: 5000 });
    const view = await sagas.get('i-1');
    expect(view).toMatchObject({
      status: 'failed',
      data: { reminders: 2 },
      pendingDeadlines: [],
      failure: 'sent to collection',
    });
    expect(view?.history.map((e) => e.transition)).toEqual([
      'issued',
      'deadline remind',
      'deadline remind',
      'sent to collection',
    ]);
    expect((await mail()).map((e) => [e.type, e.data])).toEqual([
      [SendReminder.type, { invoiceId: 'i-1', n: 1 }],
      [SendReminder.type, { invoiceId: 'i-1', n: 2 }],
      [SendToCollection.type, { invoiceId: 'i-1' }],
    ]);
  });

  it('cancels pending deadlines when it completes, and records nothing for events handle ignores', async () => {
    const { bus, sagas, mail } = await running();
    await bus.publish(InvoiceIssued.create({ invoiceId: 'i-2' }, { subject: 'i-2' }));
    await waitFor(async () => (await bus.scheduled({ topic: 'dunning.deadlines' })).length === 1);
    await bus.publish(InvoiceViewed.create({ invoiceId: 'i-2' }, { subject: 'i-2' }));
    await bus.publish(InvoicePaid.create({ invoiceId: 'i-2' }, { subject: 'i-2' }));
    await waitFor(async () => (await sagas.get('i-2'))?.status === 'completed');
    const view = await sagas.get('i-2');
    expect(view?.history.map((e) => e.transition)).toEqual(['issued', 'paid']);
    expect(view?.pendingDeadlines).toEqual([]);
    await waitFor(async () => (await bus.scheduled()).length === 0);
    expect(sagas.status()).toMatchObject({ timersScheduled: 1, timersCancelled: 1 });
    expect(await mail()).toEqual([]);
    // A finished process manager handles nothing more.
    expect(await sagas.apply(InvoicePaid.create({ invoiceId: 'i-2' }, { subject: 'i-2' }))).toBe('skipped');
  });
});
