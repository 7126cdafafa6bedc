import { detached } from './text.js';

/**
 * A map that forgets its oldest entries past a bound: per-queue-id state of a log stays flat.
 * String keys are stored detached (text.ts): a remembered id must not keep its line's chunk.
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  /** Entries forgotten because of the bound. */
  evicted = 0;
  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    if (this.map.has(key)) this.map.delete(key);
    this.map.set(typeof key === 'string' ? (detached(key) as K) : key, value);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
      this.evicted++;
    }
  }

  delete(key: K): void {
    this.map.delete(key);
  }
}
