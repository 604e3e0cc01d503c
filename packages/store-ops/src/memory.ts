import { compare, type Data, equals, hash } from "@brokerkit/data-model";

/** One stored entry; `expiry` is absolute (ns since the epoch), as the master keeps it. */
export interface StoreEntry {
  readonly key: Data;
  readonly value: Data;
  readonly expiry?: bigint | undefined;
}

/**
 * The memory backend's key/value map (keys compared by Broker's equality).
 * Mutable, like the backend it models; `copy()` gives an independent snapshot.
 */
export class MemoryBackend {
  private readonly buckets = new Map<number, StoreEntry[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: Data): StoreEntry | undefined {
    return this.buckets.get(hash(key))?.find((e) => equals(e.key, key));
  }

  has(key: Data): boolean {
    return this.get(key) !== undefined;
  }

  set(entry: StoreEntry): StoreEntry | undefined {
    const h = hash(entry.key);
    const bucket = this.buckets.get(h);
    if (!bucket) {
      this.buckets.set(h, [entry]);
      this.count++;
      return undefined;
    }
    const i = bucket.findIndex((e) => equals(e.key, entry.key));
    if (i < 0) {
      bucket.push(entry);
      this.count++;
      return undefined;
    }
    const old = bucket[i];
    bucket[i] = entry;
    return old;
  }

  delete(key: Data): StoreEntry | undefined {
    const h = hash(key);
    const bucket = this.buckets.get(h);
    const i = bucket?.findIndex((e) => equals(e.key, key)) ?? -1;
    if (!bucket || i < 0) return undefined;
    const [old] = bucket.splice(i, 1);
    if (bucket.length === 0) this.buckets.delete(h);
    this.count--;
    return old;
  }

  clear(): void {
    this.buckets.clear();
    this.count = 0;
  }

  /** Every entry, in no particular order. */
  *unordered(): IterableIterator<StoreEntry> {
    for (const bucket of this.buckets.values()) yield* bucket;
  }

  /** Every entry, sorted by key in Broker's order (deterministic, unlike Broker's hash order). */
  entries(): StoreEntry[] {
    return [...this.buckets.values()].flat().sort((a, b) => compare(a.key, b.key));
  }

  copy(): MemoryBackend {
    const out = new MemoryBackend();
    for (const e of this.entries()) out.set(e);
    return out;
  }
}
