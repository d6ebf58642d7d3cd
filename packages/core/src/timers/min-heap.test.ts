import { describe, expect, it } from 'vitest';
import { MinHeap } from './min-heap.js';

interface Item {
  readonly v: number;
}

const drain = (heap: MinHeap<Item>): number[] => {
  const out: number[] = [];
  for (let item = heap.pop(); item !== undefined; item = heap.pop()) out.push(item.v);
  return out;
};

describe('MinHeap', () => {
  it('pops items smallest first whatever the push order', () => {
    const heap = new MinHeap<Item>((a, b) => a.v - b.v);
    const values = Array.from({ length: 200 }, (_, i) => (i * 7919) % 211);
    for (const v of values) heap.push({ v });
    expect(heap.size).toBe(200);
    expect(drain(heap)).toEqual([...values].sort((a, b) => a - b));
    expect(heap.peek()).toBeUndefined();
  });

  it('removes any item and keeps the order of the rest', () => {
    const heap = new MinHeap<Item>((a, b) => a.v - b.v);
    const items = Array.from({ length: 50 }, (_, i) => ({ v: (i * 31) % 50 }));
    for (const item of items) heap.push(item);
    const removed = items.filter((_, i) => i % 3 === 0);
    for (const item of removed) expect(heap.remove(item)).toBe(true);
    expect(heap.remove(removed[0] as Item)).toBe(false);
    expect(heap.remove({ v: 1 })).toBe(false);
    const kept = items.filter((_, i) => i % 3 !== 0).map((item) => item.v);
    expect(drain(heap)).toEqual(kept.sort((a, b) => a - b));
  });

  it('ignores an item pushed twice', () => {
    const heap = new MinHeap<Item>((a, b) => a.v - b.v);
    const item = { v: 1 };
    heap.push(item);
    heap.push(item);
    expect(heap.size).toBe(1);
  });
});
