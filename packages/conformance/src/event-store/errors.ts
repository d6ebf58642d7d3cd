import type { AppendOptions, CloudEvent, ReadAllOptions, ReadStreamOptions } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { placed } from './events.js';
import type { EventStoreFixture } from './fixture.js';
import { expectEmpty, expectError, expectValidationError, untyped } from './helpers.js';

/** Runs `call` for each case, naming the case when it fails. */
async function eachCase<T>(
  cases: [T, ...string[]][],
  call: (value: T, mentions: string[]) => Promise<unknown>,
) {
  for (const [value, ...mentions] of cases)
    await call(value, mentions).catch((error: unknown) => {
      throw new Error(`case ${String(value)} ${JSON.stringify(mentions)}: ${String(error)}`);
    });
}

const BAD_STREAMS: [string, ...string[]][] = [
  ['', 'stream name'],
  ['line\nbreak', 'stream name'],
  ['x'.repeat(600), 'stream name'],
  [untyped<string>(42), 'stream name'],
];

export function errorFeatures(fx: EventStoreFixture): void {
  describe('bad input', () => {
    it('rejects appends with an empty, missing or non-array events list', async () => {
      const store = await fx.open();
      for (const events of [[], undefined, 'order.placed', { 0: placed('1') }])
        await expectError(
          () => store.appendToStream('order-1', untyped(events)),
          'INVALID_ARGUMENT',
          'order-1',
        );
      await expectEmpty(store);
    });

    it('rejects bad stream and tenant names in every call that takes them', async () => {
      const store = await fx.open();
      await eachCase(BAD_STREAMS, async (stream, mentions) => {
        await expectError(() => store.appendToStream(stream, [placed('1')]), 'INVALID_ARGUMENT', ...mentions);
        await expectError(
          () => store.appendToStreams([{ stream, events: [placed('1')] }]),
          'INVALID_ARGUMENT',
          ...mentions,
        );
        await expectError(() => store.readStream(stream), 'INVALID_ARGUMENT', ...mentions);
        await expectError(() => store.getStream(stream), 'INVALID_ARGUMENT', ...mentions);
        await expectError(() => store.setStreamMetadata(stream, {}), 'INVALID_ARGUMENT', ...mentions);
        await expectError(() => store.deleteStream(stream), 'INVALID_ARGUMENT', ...mentions);
        const snapshot = { version: 1n, schemaVersion: 's', state: 1 };
        await expectError(() => store.saveSnapshot(stream, snapshot), 'INVALID_ARGUMENT', ...mentions);
        await expectError(() => store.loadSnapshot(stream), 'INVALID_ARGUMENT', ...mentions);
      });
      for (const tenant of ['', 'a\u0000b', untyped<string>(7)]) {
        await expectError(
          () => store.appendToStream('s', [placed('1')], { tenant }),
          'INVALID_ARGUMENT',
          'tenant',
        );
        await expectError(() => store.readAll({ tenant }), 'INVALID_ARGUMENT', 'tenant');
        await expectError(() => store.readStream('s', { tenant }), 'INVALID_ARGUMENT', 'tenant');
      }
      await expectEmpty(store);
    });

    it('rejects a bad expectedVersion: a number, a negative bigint or an unknown word', async () => {
      const store = await fx.open();
      for (const expectedVersion of [1, -1n, 'latest', null, 1.5]) {
        const options = untyped<AppendOptions>({ expectedVersion });
        await expectError(
          () => store.appendToStream('s', [placed('1')], options),
          'INVALID_ARGUMENT',
          'expectedVersion',
        );
        await expectError(
          () => store.deleteStream('s', untyped({ expectedVersion })),
          'INVALID_ARGUMENT',
          'expectedVersion',
        );
        await expectError(
          () =>
            store.appendToStreams([
              { stream: 's', events: [placed('1')], expectedVersion: untyped(expectedVersion) },
            ]),
          'INVALID_ARGUMENT',
          'expectedVersion',
        );
      }
      await expectEmpty(store);
    });

    it('rejects events that cannot be stored: non-JSON data, non-JSON content type, repeated ids, bad envelopes', async () => {
      const store = await fx.open();
      const base = placed('1');
      const bigintData: CloudEvent = { ...base, data: { amount: 10n } };
      const binary: CloudEvent = { ...base, datacontenttype: 'application/octet-stream', data: 'AAEC' };
      await expectError(() => store.appendToStream('s', [bigintData]), 'INVALID_ARGUMENT', 'JSON');
      await expectError(
        () => store.appendToStream('s', [binary]),
        'INVALID_ARGUMENT',
        'application/octet-stream',
      );
      await expectError(() => store.appendToStream('s', [base, base]), 'INVALID_ARGUMENT', 'twice');
      await expectError(
        () =>
          store.appendToStreams([
            { stream: 'a', events: [base] },
            { stream: 'b', events: [base] },
          ]),
        'INVALID_ARGUMENT',
        'twice',
      );
      await expectError(
        () => store.appendToStream('s', [placed('2'), untyped({ ...base, id: '' })]),
        'INVALID_ENVELOPE',
      );
      await expectError(
        () => store.appendToStream('s', [untyped({ ...base, specversion: '0.3' })]),
        'INVALID_ENVELOPE',
      );
      await expectError(
        () => store.appendToStream('s', [base], { outbox: '' }),
        'INVALID_ARGUMENT',
        'outbox',
      );
      await expectEmpty(store);
    });

    it('rejects events that are not objects (null, a string) with a validation error', async () => {
      const store = await fx.open();
      for (const event of [null, 'order.placed', 42]) {
        for (const call of [
          () => store.appendToStream('s', [placed('1'), untyped(event)]),
          () => store.appendToStreams([{ stream: 's', events: [untyped(event)] }]),
        ])
          await expectValidationError(call);
      }
      await expectEmpty(store);
    });

    it('rejects appendToStreams without a non-empty array of appends', async () => {
      const store = await fx.open();
      for (const appends of [[], undefined, 'order-1', [null]])
        await expectError(() => store.appendToStreams(untyped(appends)), 'INVALID_ARGUMENT');
    });

    it('rejects bad readStream options', async () => {
      const store = await fx.open();
      const bad: [ReadStreamOptions, string][] = [
        [untyped({ direction: 'sideways' }), 'direction'],
        [untyped({ fromVersion: 1 }), 'fromVersion'],
        [{ fromVersion: -1n }, 'fromVersion'],
        [{ maxCount: 0 }, 'maxCount'],
        [{ maxCount: 1.5 }, 'maxCount'],
        [untyped({ maxCount: '10' }), 'maxCount'],
        [untyped({ until: '2024-01-01' }), 'until'],
        [{ until: new Date(Number.NaN) }, 'until'],
      ];
      await eachCase(bad, (options, [mention]) =>
        expectError(() => store.readStream('s', options), 'INVALID_ARGUMENT', mention!),
      );
    });

    it('rejects bad readAll options', async () => {
      const store = await fx.open();
      const bad: [ReadAllOptions, string][] = [
        [{ after: -1n }, 'after'],
        [untyped({ after: 5 }), 'after'],
        [{ maxCount: 0 }, 'maxCount'],
        [{ maxCount: -3 }, 'maxCount'],
        [untyped({ types: 'order.placed' }), 'types'],
        [{ types: [''] }, 'types'],
        [untyped({ categories: [1] }), 'categories'],
        [{ since: new Date(Number.NaN) }, 'since'],
        [untyped({ until: 1 }), 'until'],
      ];
      await eachCase(bad, (options, [mention]) =>
        expectError(() => store.readAll(options), 'INVALID_ARGUMENT', mention!),
      );
    });

    it('rejects bad stream metadata and bad deletion options, changing nothing', async () => {
      const store = await fx.open();
      await store.appendToStream('s', [placed('1')]);
      const bad: [unknown, string][] = [
        [null, 'metadata'],
        [[], 'metadata'],
        [{ max: 1 }, '"max"'],
        [{ maxCount: 0 }, 'maxCount'],
        [{ maxAgeMs: -5 }, 'maxAgeMs'],
        [{ truncateBefore: 1 }, 'truncateBefore'],
        [{ truncateBefore: -1n }, 'truncateBefore'],
      ];
      await eachCase(bad, (metadata, [mention]) =>
        expectError(() => store.setStreamMetadata('s', untyped(metadata)), 'INVALID_ARGUMENT', mention!),
      );
      await expectError(() => store.deleteStream('s', untyped({ hard: 'yes' })), 'INVALID_ARGUMENT', 'hard');
      expect(await store.getStream('s')).toMatchObject({ deleted: false, metadata: {} });
    });

    it('rejects bad snapshots', async () => {
      const store = await fx.open();
      const bad: [unknown, string][] = [
        [null, 'snapshot'],
        [{ version: 0n, schemaVersion: 's', state: 1 }, 'version'],
        [{ version: 1, schemaVersion: 's', state: 1 }, 'version'],
        [{ version: 1n, schemaVersion: '', state: 1 }, 'schemaVersion'],
        [{ version: 1n, schemaVersion: 's', state: undefined }, 'state'],
        [{ version: 1n, schemaVersion: 's', state: { n: 1n } }, 'state'],
      ];
      await eachCase(bad, (snapshot, [mention]) =>
        expectError(() => store.saveSnapshot('s', untyped(snapshot)), 'INVALID_ARGUMENT', mention!),
      );
      expect(await store.loadSnapshot('s')).toBeUndefined();
    });

    it('rejects bad checkpoint, lease and outbox arguments', async () => {
      const { checkpoints, outbox } = await fx.open();
      for (const name of ['', untyped<string>(3)]) {
        await expectError(() => checkpoints.get(name), 'INVALID_ARGUMENT', 'name');
        await expectError(() => checkpoints.compareAndSet(name, undefined, 1n), 'INVALID_ARGUMENT', 'name');
        await expectError(() => checkpoints.delete(name), 'INVALID_ARGUMENT', 'name');
        await expectError(() => checkpoints.acquireLease(name, 'me', 1000), 'INVALID_ARGUMENT', 'name');
      }
      await expectError(() => checkpoints.compareAndSet('cp', undefined, untyped(1)), 'INVALID_ARGUMENT');
      await expectError(() => checkpoints.compareAndSet('cp', untyped(0), 1n), 'INVALID_ARGUMENT');
      await expectError(() => checkpoints.compareAndSet('cp', undefined, -1n), 'INVALID_ARGUMENT');
      expect(await checkpoints.get('cp')).toBeUndefined();
      for (const ttl of [0, -1, Number.NaN, untyped<number>('1000')])
        await expectError(() => checkpoints.acquireLease('lease', 'me', ttl), 'INVALID_ARGUMENT', 'ttl');
      await expectError(() => checkpoints.acquireLease('lease', '', 1000), 'INVALID_ARGUMENT', 'owner');
      await expectError(() => outbox.pending({ limit: 0 }), 'INVALID_ARGUMENT', 'limit');
      await expectError(() => outbox.pending({ after: -1n }), 'INVALID_ARGUMENT', 'after');
      await expectError(() => outbox.pending(untyped({ after: 1 })), 'INVALID_ARGUMENT', 'after');
      await expectError(() => outbox.markPublished(untyped([1])), 'INVALID_ARGUMENT');
      await expectError(() => outbox.markPublished(untyped('1')), 'INVALID_ARGUMENT');
    });

    it('rejects a transaction without a function', async () => {
      const store = await fx.open();
      await expectError(() => store.transaction(untyped(undefined)), 'INVALID_ARGUMENT', 'function');
    });
  });
}
