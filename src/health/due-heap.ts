/**
 * A binary min-heap of items ordered by `due` (ms). Each item records its own position, so an item can be
 * removed or re-keyed in O(log n) without a search. An item is in at most one heap at a time
 * (`heapIndex` is -1 when it is in none).
 */
import { InternalError } from '../errors.js';
export interface HeapItem {
  due: number;
  heapIndex: number;
}

export class DueHeap<T extends HeapItem> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    if (item.heapIndex !== -1) throw new InternalError('item is already in a heap');
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.up(item.heapIndex);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  /** Remove `item` if this heap holds it; true when it did. */
  remove(item: T): boolean {
    const index = item.heapIndex;
    if (index < 0 || this.items[index] !== item) return false;
    this.removeAt(index);
    return true;
  }

  /** Change the due time of an item this heap holds. */
  update(item: T, due: number): void {
    const index = item.heapIndex;
    if (index < 0 || this.items[index] !== item) throw new InternalError('item is not in this heap');
    const earlier = due < item.due;
    item.due = due;
    if (earlier) this.up(index);
    else this.down(index);
  }

  clear(): void {
    for (const item of this.items) item.heapIndex = -1;
    this.items.length = 0;
  }

  private removeAt(index: number): void {
    const items = this.items;
    const removed = items[index]!;
    const last = items.pop()!;
    removed.heapIndex = -1;
    if (index === items.length) return;
    items[index] = last;
    last.heapIndex = index;
    this.down(index);
    this.up(last.heapIndex);
  }

  private up(start: number): void {
    const items = this.items;
    const item = items[start]!;
    let index = start;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex]!;
      if (parent.due <= item.due) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = item;
    item.heapIndex = index;
  }

  private down(start: number): void {
    const items = this.items;
    const count = items.length;
    const item = items[start]!;
    let index = start;
    while (true) {
      const left = 2 * index + 1;
      if (left >= count) break;
      const right = left + 1;
      const child = right < count && items[right]!.due < items[left]!.due ? right : left;
      const smaller = items[child]!;
      if (smaller.due >= item.due) break;
      items[index] = smaller;
      smaller.heapIndex = index;
      index = child;
    }
    items[index] = item;
    item.heapIndex = index;
  }
}
