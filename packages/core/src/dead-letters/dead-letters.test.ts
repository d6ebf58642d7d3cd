import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLog, type MemoryLog } from '../memory/memory-log.js';
import { rejection } from '../testing/thrown.js';
import { DeadLetters, writeDeadLetter } from './dead-letters.js';
import { deadLetter, failure, record, T0, text, utf8 } from './test-fixtures.js';

let log: MemoryLog;
beforeEach(() => {
  log = createMemoryLog();
});
afterEach(() => log.close());

/** Three letters of group "billing": o-1 (TypeError), o-2 (Timeout, another type), o-3 keyless. */
async function seedThree(): Promise<void> {
  await deadLetter(log, { key: 'o-1', id: 'e1' }, { offset: 1n, lastFailureAt: T0 });
  await deadLetter(
    log,
    { key: 'o-2', id: 'e2', type: 'order.shipped' },
    {
      offset: 2n,
      lastFailureAt: T0 + 1000,
      error: { errorClass: 'TimeoutError', message: 'db slow', stack: '' },
    },
  );
  await deadLetter(log, { key: null, id: 'e3' }, { offset: 3n, lastFailureAt: T0 + 2000 });
}

const ids = (letters: readonly { eventId?: string }[]) => letters.map((l) => l.eventId);

describe('DeadLetters.list', () => {
  it('returns [] when the dead-letter topic does not exist, and when it is empty', async () => {
    const dead = new DeadLetters(log, 'billing');
    expect(await dead.list()).toEqual([]);
    await log.createTopic(dead.topic);
    expect(await dead.list()).toEqual([]);
  });

  it('returns pending letters oldest first with the original record and the parsed failure', async () => {
    await seedThree();
    const letters = await new DeadLetters(log, 'billing').list();
    expect(ids(letters)).toEqual(['e1', 'e2', 'e3']);
    const first = letters[0]!;
    expect(first).toMatchObject({
      dlqPartition: 0,
      dlqOffset: 0n,
      timestamp: T0 - 1000,
      type: 'order.placed',
    });
    expect(text(first.key)).toBe('o-1');
    expect(text(first.value)).toBe('{"n":1}');
    expect(first.headers.map((h) => [h.key, text(h.value)])).toEqual([
      ['ce_id', 'e1'],
      ['ce_type', 'order.placed'],
      ['app', null],
    ]);
    expect(first.failure).toEqual(failure({ offset: 1n, lastFailureAt: T0 }));
    expect(letters[2]!.key).toBeNull();
  });

  it('leaves out type and eventId when the record has no ce_ headers', async () => {
    await deadLetter(log, { headers: [] });
    const [letter] = await new DeadLetters(log, 'billing').list();
    expect(letter).toBeDefined();
    expect(letter && 'type' in letter).toBe(false);
    expect(letter && 'eventId' in letter).toBe(false);
  });

  it('skips records of the dead-letter topic that have no DLQ headers', async () => {
    const dead = new DeadLetters(log, 'billing');
    await log.createTopic(dead.topic);
    await log.append(dead.topic, 0, [{ key: null, value: utf8('junk') }]);
    await deadLetter(log, { id: 'real' });
    expect(ids(await dead.list())).toEqual(['real']);
  });

  it('filters by exact type', async () => {
    await seedThree();
    expect(ids(await new DeadLetters(log, 'billing').list({ type: 'order.shipped' }))).toEqual(['e2']);
  });

  it('filters by exact key, never matching keyless letters', async () => {
    await seedThree();
    const dead = new DeadLetters(log, 'billing');
    expect(ids(await dead.list({ key: 'o-1' }))).toEqual(['e1']);
    expect(ids(await dead.list({ key: 'o' }))).toEqual([]);
  });

  it('filters on the last failure time: since inclusive, until exclusive', async () => {
    await seedThree();
    const dead = new DeadLetters(log, 'billing');
    expect(ids(await dead.list({ since: T0 + 1000 }))).toEqual(['e2', 'e3']);
    expect(ids(await dead.list({ until: T0 + 1000 }))).toEqual(['e1']);
    expect(ids(await dead.list({ since: T0, until: T0 + 2000 }))).toEqual(['e1', 'e2']);
  });

  it('filters by error: a substring of the class or message, or a RegExp', async () => {
    await seedThree();
    const dead = new DeadLetters(log, 'billing');
    expect(ids(await dead.list({ error: 'Timeout' }))).toEqual(['e2']);
    expect(ids(await dead.list({ error: 'boo' }))).toEqual(['e1', 'e3']);
    // A global RegExp keeps lastIndex between tests; the filter must not be affected by it.
    expect(ids(await dead.list({ error: /^(db|boom)/g }))).toEqual(['e1', 'e2', 'e3']);
  });

  it('returns at most limit letters, the oldest, and combines filters with AND', async () => {
    await seedThree();
    const dead = new DeadLetters(log, 'billing');
    expect(ids(await dead.list({ limit: 2 }))).toEqual(['e1', 'e2']);
    expect(ids(await dead.list({ type: 'order.placed', error: 'boom', since: T0 + 1 }))).toEqual(['e3']);
  });

  it('does not list letters of another group', async () => {
    await deadLetter(log, { id: 'other' }, { group: 'shipping' });
    expect(await new DeadLetters(log, 'billing').list()).toEqual([]);
    expect(ids(await new DeadLetters(log, 'shipping').list())).toEqual(['other']);
  });

  it.each([
    [{ typ: 'x' }, 'filter.typ is not a filter field'],
    [{ type: 1 }, 'filter.type must be a string'],
    [{ key: utf8('k') }, 'filter.key must be a string'],
    [{ since: Number.NaN }, 'filter.since must be a time'],
    [{ since: 2, until: 1 }, 'filter.since (2) is after filter.until (1)'],
    [{ error: 5 }, 'filter.error must be a string or a RegExp'],
    [{ limit: 0 }, 'filter.limit must be an integer >= 1'],
    ['type', 'the filter must be an object'],
  ])('rejects the filter %j with INVALID_ARGUMENT', async (filter, message) => {
    const err = await rejection(new DeadLetters(log, 'billing').list(filter as never));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain(message);
  });
});

describe('DeadLetters.get', () => {
  it('returns the pending letter at a position', async () => {
    await seedThree();
    const letter = await new DeadLetters(log, 'billing').get(0, 1n);
    expect(letter.eventId).toBe('e2');
    expect(letter.failure.error.errorClass).toBe('TimeoutError');
  });

  it('rejects a position with no letter, naming it', async () => {
    const dead = new DeadLetters(log, 'billing');
    const missingTopic = await rejection(dead.get(0, 0n));
    expect(missingTopic.code).toBe('INVALID_ARGUMENT');
    expect(missingTopic.message).toBe('No dead letter at topic "billing.dlq" partition 0 offset 0.');
    await seedThree();
    expect((await rejection(dead.get(0, 3n))).message).toContain('partition 0 offset 3');
    expect((await rejection(dead.get(1, 0n))).message).toContain('partition 1 offset 0');
  });

  it('rejects a letter that was discarded, saying so', async () => {
    await seedThree();
    const dead = new DeadLetters(log, 'billing');
    await dead.discard({ key: 'o-1' });
    const err = await rejection(dead.get(0, 0n));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('is no longer pending: it was discarded');
  });

  it('rejects a record that is not a dead letter, naming the missing header', async () => {
    const dead = new DeadLetters(log, 'billing');
    await log.createTopic(dead.topic);
    await log.append(dead.topic, 0, [{ key: null, value: null }]);
    const err = await rejection(dead.get(0, 0n));
    expect(err.message).toContain('is not a dead letter: header tributary.dlq.original.topic is missing');
  });

  it.each([
    [-1, 0n, 'dlqPartition must be an integer >= 0, received -1'],
    [0.5, 0n, 'dlqPartition must be an integer >= 0'],
    [0, 3, 'dlqOffset must be a bigint >= 0n (e.g. 5n), received 3'],
    [0, -1n, 'received -1n'],
  ])('rejects get(%s, %s) with INVALID_ARGUMENT', async (partition, offset, message) => {
    const err = await rejection(new DeadLetters(log, 'billing').get(partition, offset as bigint));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain(message);
  });
});

describe('DeadLetters.discard', () => {
  it('marks matching letters discarded, so they are no longer listed, and counts them', async () => {
    await seedThree();
    const dead = new DeadLetters(log, 'billing');
    expect(await dead.discard({ error: 'boom' })).toEqual({ discarded: 2 });
    expect(ids(await dead.list())).toEqual(['e2']);
    expect(await dead.discard({ error: 'boom' })).toEqual({ discarded: 0 });
    expect(await dead.discard()).toEqual({ discarded: 1 });
    expect(await dead.list()).toEqual([]);
  });

  it('records each decision in <dlq topic>.status keyed by position', async () => {
    await seedThree();
    await new DeadLetters(log, 'billing').discard({ key: 'o-2' });
    const { records } = await log.fetch('billing.dlq.status', 0, 0n);
    expect(records.map((r) => [text(r.key), text(r.value)])).toEqual([['0:1', 'discarded']]);
    expect((await log.describeTopic('billing.dlq.status')).config).toMatchObject({
      partitions: 1,
      retentionMs: -1,
    });
  });

  it('is durable: a new DeadLetters on the same log sees earlier decisions', async () => {
    await seedThree();
    await new DeadLetters(log, 'billing').discard({ type: 'order.shipped' });
    const fresh = new DeadLetters(log, 'billing');
    expect(ids(await fresh.list())).toEqual(['e1', 'e3']);
  });

  it('rejects a limit, which applies to list only', async () => {
    const err = await rejection(new DeadLetters(log, 'billing').discard({ limit: 1 }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('filter.limit applies to list only, not to discard');
  });
});

describe('new DeadLetters / writeDeadLetter', () => {
  it.each([
    ['an empty group', ''],
    ['a non-string group', 7],
  ])('rejects %s with INVALID_ARGUMENT', (_, group) => {
    expect(() => new DeadLetters(log, group as string)).toThrow(/invalid consumer group name/);
  });

  it('rejects something that is not a log', () => {
    expect(() => new DeadLetters({} as never, 'billing')).toThrow(/log must be a Log/);
  });

  it('creates the dead-letter topic with 1 partition, kept forever, room for records the original topic accepts', async () => {
    await log.createTopic('orders', { maxMessageBytes: 4 * 1024 * 1024 });
    const at = await writeDeadLetter(log, record(), failure());
    expect(at).toEqual({ topic: 'billing.dlq', partition: 0, offset: 0n });
    const { config } = await log.describeTopic('billing.dlq');
    expect(config).toMatchObject({ partitions: 1, retentionMs: -1 });
    expect(config.maxMessageBytes).toBeGreaterThanOrEqual(4 * 1024 * 1024 + 64 * 1024);
  });

  it('writes keyed letters by key into a pre-created multi-partition dead-letter topic', async () => {
    await log.createTopic('billing.dlq', { partitions: 4 });
    const a = await writeDeadLetter(log, record({ key: 'same' }), failure({ offset: 1n }));
    const b = await writeDeadLetter(log, record({ key: 'same' }), failure({ offset: 2n }));
    expect(b.partition).toBe(a.partition);
    const letters = await new DeadLetters(log, 'billing').list();
    expect(letters.map((l) => [l.dlqPartition, l.failure.offset])).toEqual([
      [a.partition, 1n],
      [a.partition, 2n],
    ]);
  });

  it('writes nothing when the failure is invalid', async () => {
    const err = await rejection(writeDeadLetter(log, record(), failure({ attempts: -1 })));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(await log.listTopics()).toEqual([]);
  });
});
