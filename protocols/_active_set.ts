/**
 * The data layout of libzmq's routing primitives: one array of pipes with the
 * active ones first, so activating, deactivating and picking are O(1).
 *
 * @module
 */

/** @internal An ordered set split into an active prefix and an inactive rest. */
export class ActiveSet<T> {
  #items: T[] = [];
  #index = new Map<T, number>();
  #active = 0;

  /** Number of members. */
  get size(): number {
    return this.#items.length;
  }

  /** Number of active members. */
  get activeCount(): number {
    return this.#active;
  }

  /** The active member at position `i` (0 ≤ i < activeCount). */
  at(i: number): T {
    return this.#items[i] as T;
  }

  /** True if `item` is a member. */
  has(item: T): boolean {
    return this.#index.has(item);
  }

  /** Adds a member, active or not. */
  add(item: T, active: boolean): void {
    if (this.#index.has(item)) return;
    this.#index.set(item, this.#items.length);
    this.#items.push(item);
    if (active) this.activate(item);
  }

  /** Removes a member. */
  delete(item: T): void {
    const i = this.#index.get(item);
    if (i === undefined) return;
    if (i < this.#active) this.#swap(i, --this.#active);
    const j = this.#index.get(item)!;
    this.#swap(j, this.#items.length - 1);
    this.#items.pop();
    this.#index.delete(item);
  }

  /** Moves a member into the active prefix. */
  activate(item: T): void {
    const i = this.#index.get(item);
    if (i === undefined || i < this.#active) return;
    this.#swap(i, this.#active++);
  }

  /** Moves a member out of the active prefix. */
  deactivate(item: T): void {
    const i = this.#index.get(item);
    if (i === undefined || i >= this.#active) return;
    this.#swap(i, --this.#active);
  }

  /** Every member, active first. */
  all(): readonly T[] {
    return this.#items;
  }

  #swap(i: number, j: number): void {
    if (i === j) return;
    const a = this.#items[i] as T;
    const b = this.#items[j] as T;
    this.#items[i] = b;
    this.#items[j] = a;
    this.#index.set(b, i);
    this.#index.set(a, j);
  }
}
