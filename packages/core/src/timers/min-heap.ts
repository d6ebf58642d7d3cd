/**
 * A binary min-heap of distinct items that can also remove any item in O(log n) (a cancelled
 * timer leaves at once instead of lingering until it reaches the top).
 */
export class MinHeap<T> {
  private readonly items: T[] = [];
  private readonly positions = new Map<T, number>();

  /** `compare(a, b) < 0` when `a` comes first. */
  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  /** The first item, or `undefined` when empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds an item; an item already present is left where it is. */
  push(item: T): void {
    if (this.positions.has(item)) return;
    this.items.push(item);
    this.positions.set(item, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  /** Removes and returns the first item. */
  pop(): T | undefined {
    const first = this.items[0];
    if (first !== undefined) this.removeAt(0);
    return first;
  }

  /** Removes an item; false when it is not in the heap. */
  remove(item: T): boolean {
    const index = this.positions.get(item);
    if (index === undefined) return false;
    this.removeAt(index);
    return true;
  }

  private removeAt(index: number): void {
    const removed = this.items[index] as T;
    const last = this.items.pop() as T;
    this.positions.delete(removed);
    if (index === this.items.length) return; // it was the last one
    this.items[index] = last;
    this.positions.set(last, index);
    this.up(index);
    this.down(this.positions.get(last) as number);
  }

  private up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(this.at(i), this.at(parent)) >= 0) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(index: number): void {
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.items.length && this.compare(this.at(left), this.at(smallest)) < 0) smallest = left;
      if (right < this.items.length && this.compare(this.at(right), this.at(smallest)) < 0) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private at(index: number): T {
    return this.items[index] as T;
  }

  private swap(a: number, b: number): void {
    const itemA = this.at(a);
    const itemB = this.at(b);
    this.items[a] = itemB;
    this.items[b] = itemA;
    this.positions.set(itemB, a);
    this.positions.set(itemA, b);
  }
}
