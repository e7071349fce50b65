/** A binary min-heap ordered by a numeric key; used for expiry queues. */
export class MinHeap<T> {
  private readonly keys: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  push(key: number, item: T): void {
    this.keys.push(key);
    this.items.push(item);
    this.up(this.items.length - 1);
  }

  peekKey(): number | undefined {
    return this.keys[0];
  }

  pop(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    const top = this.items[0];
    const lastKey = this.keys.pop() as number;
    const lastItem = this.items.pop() as T;
    if (n > 1) {
      this.keys[0] = lastKey;
      this.items[0] = lastItem;
      this.down(0);
    }
    return top;
  }

  private up(i: number): void {
    const { keys, items } = this;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((keys[p] as number) <= (keys[i] as number)) break;
      this.swap(i, p, keys, items);
      i = p;
    }
  }

  private down(i: number): void {
    const { keys, items } = this;
    const n = keys.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && (keys[l] as number) < (keys[m] as number)) m = l;
      if (r < n && (keys[r] as number) < (keys[m] as number)) m = r;
      if (m === i) return;
      this.swap(i, m, keys, items);
      i = m;
    }
  }

  private swap(a: number, b: number, keys: number[], items: T[]): void {
    const k = keys[a] as number;
    keys[a] = keys[b] as number;
    keys[b] = k;
    const t = items[a] as T;
    items[a] = items[b] as T;
    items[b] = t;
  }
}
