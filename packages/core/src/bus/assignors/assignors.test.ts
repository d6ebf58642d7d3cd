import { describe, expect, it } from 'vitest';
import { rangeAssignor, resolveAssignor, roundRobinAssignor, stickyAssignor } from './index.js';
import {
  type Assignment,
  type Assignor,
  type AssignorMember,
  partitionKey,
  type TopicPartition,
} from './types.js';

const members = (n: number, topics: string[] = ['orders']): AssignorMember[] =>
  Array.from({ length: n }, (_, i) => ({ memberId: `m${String(i).padStart(2, '0')}`, topics }));

const counts = (result: Assignment) => [...result.values()].map((list) => list.length);

const flat = (result: Assignment) => [...result.values()].flat().map(partitionKey).sort();

const all = (partitionsPerTopic: Map<string, number>) =>
  [...partitionsPerTopic]
    .flatMap(([topic, n]) => Array.from({ length: n }, (_, partition) => partitionKey({ topic, partition })))
    .sort();

/** Partitions whose owner differs between two assignments. */
const moved = (before: Assignment, after: Assignment) => {
  const owner = new Map<string, string>();
  for (const [id, list] of before) for (const tp of list) owner.set(partitionKey(tp), id);
  let n = 0;
  for (const [id, list] of after) for (const tp of list) if (owner.get(partitionKey(tp)) !== id) n++;
  return n;
};

describe.each<[string, Assignor]>([
  ['range', rangeAssignor],
  ['round-robin', roundRobinAssignor],
  ['sticky', stickyAssignor],
])('the %s assignor', (_name, assignor) => {
  it('assigns every partition exactly once, balanced within one, for equal subscriptions', () => {
    for (const [n, partitions] of [
      [1, 1],
      [3, 10],
      [4, 4],
      [5, 3],
      [7, 64],
    ] as const) {
      const topics = new Map([['orders', partitions]]);
      const result = assignor.assign(members(n), topics, new Map());
      expect(flat(result)).toEqual(all(topics));
      expect(result.size).toBe(n);
      expect(Math.max(...counts(result)) - Math.min(...counts(result))).toBeLessThanOrEqual(1);
    }
  });

  it('is deterministic: the same input gives the same assignment regardless of member order', () => {
    const topics = new Map([
      ['orders', 7],
      ['payments', 5],
    ]);
    const group = members(3, ['orders', 'payments']);
    const a = assignor.assign(group, topics, new Map());
    const b = assignor.assign([...group].reverse(), topics, new Map());
    expect([...a].sort()).toEqual([...b].sort());
  });

  it('only gives a member partitions of topics it subscribes to', () => {
    const topics = new Map([
      ['orders', 4],
      ['payments', 4],
    ]);
    const group: AssignorMember[] = [
      { memberId: 'a', topics: ['orders'] },
      { memberId: 'b', topics: ['orders', 'payments'] },
      { memberId: 'c', topics: ['payments'] },
    ];
    const result = assignor.assign(group, topics, new Map());
    expect(flat(result)).toEqual(all(topics));
    for (const member of group) {
      for (const tp of result.get(member.memberId) ?? []) expect(member.topics).toContain(tp.topic);
    }
  });

  it('returns an empty list for members left without partitions', () => {
    const result = assignor.assign(members(3), new Map([['orders', 1]]), new Map());
    expect(counts(result).sort()).toEqual([0, 0, 1]);
  });
});

describe('the range assignor', () => {
  it('gives each member a contiguous range per topic, extras to the first members (as Kafka)', () => {
    const result = rangeAssignor.assign(members(3), new Map([['orders', 8]]), new Map());
    const parts = (id: string) => (result.get(id) ?? []).map((tp) => tp.partition);
    expect(parts('m00')).toEqual([0, 1, 2]);
    expect(parts('m01')).toEqual([3, 4, 5]);
    expect(parts('m02')).toEqual([6, 7]);
  });
});

describe('the round-robin assignor', () => {
  it('deals partitions in turn across topics, as Kafka', () => {
    const result = roundRobinAssignor.assign(
      members(2, ['a', 'b']),
      new Map([
        ['a', 3],
        ['b', 2],
      ]),
      new Map(),
    );
    const keys = (id: string) => (result.get(id) ?? []).map(partitionKey);
    expect(keys('m00')).toEqual(['a:0', 'a:2', 'b:1']);
    expect(keys('m01')).toEqual(['a:1', 'b:0']);
  });
});

describe('the sticky assignor', () => {
  const topics = new Map([['orders', 24]]);

  it('keeps the previous assignment unchanged when membership is unchanged', () => {
    const first = stickyAssignor.assign(members(4), topics, new Map());
    const again = stickyAssignor.assign(members(4), topics, first);
    expect(moved(first, again)).toBe(0);
  });

  it('moves only partitions/members partitions when a member joins, and stays balanced', () => {
    const before = stickyAssignor.assign(members(3), topics, new Map());
    const after = stickyAssignor.assign(members(4), topics, before);
    expect(moved(before, after)).toBe(24 / 4);
    expect(Math.max(...counts(after)) - Math.min(...counts(after))).toBeLessThanOrEqual(1);
  });

  it('moves only the leaver’s partitions when a member leaves', () => {
    const before = stickyAssignor.assign(members(4), topics, new Map());
    const remaining = members(4).slice(1);
    const after = stickyAssignor.assign(remaining, topics, before);
    expect(moved(before, after)).toBe(before.get('m00')?.length);
    expect(flat(after)).toEqual(all(topics));
    expect(Math.max(...counts(after)) - Math.min(...counts(after))).toBeLessThanOrEqual(1);
  });

  it('moves fewer partitions than range when a member joins', () => {
    const big = new Map([['orders', 60]]);
    const rangeMoves = moved(
      rangeAssignor.assign(members(5), big, new Map()),
      rangeAssignor.assign(members(6), big, new Map()),
    );
    const before = stickyAssignor.assign(members(5), big, new Map());
    const stickyMoves = moved(before, stickyAssignor.assign(members(6), big, before));
    expect(stickyMoves).toBe(10);
    expect(stickyMoves).toBeLessThan(rangeMoves);
  });

  it('ignores previous ownership of partitions that no longer exist or are owned twice', () => {
    const previous = new Map<string, TopicPartition[]>([
      [
        'm00',
        [
          { topic: 'orders', partition: 0 },
          { topic: 'orders', partition: 99 },
          { topic: 'gone', partition: 0 },
        ],
      ],
      ['m01', [{ topic: 'orders', partition: 0 }]],
    ]);
    const result = stickyAssignor.assign(members(2), new Map([['orders', 2]]), previous);
    expect(flat(result)).toEqual(['orders:0', 'orders:1']);
    expect(result.get('m00')).toEqual([{ topic: 'orders', partition: 0 }]);
  });
});

describe('resolveAssignor', () => {
  it('defaults to sticky and resolves built-in names', () => {
    expect(resolveAssignor(undefined)).toBe(stickyAssignor);
    expect(resolveAssignor('range')).toBe(rangeAssignor);
    expect(resolveAssignor('round-robin')).toBe(roundRobinAssignor);
  });

  it('accepts a custom assignor object', () => {
    const custom: Assignor = { name: 'mine', assign: () => new Map() };
    expect(resolveAssignor(custom)).toBe(custom);
  });

  it('rejects an unknown name with INVALID_ARGUMENT naming the built-in assignors', () => {
    expect(() => resolveAssignor('cooperative' as 'range')).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('"round-robin"'),
      }),
    );
    expect(() => resolveAssignor('toString' as 'range')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
