/**
 * An in-memory map with a ceiling, for every cache of remote-derived data (transport reports, MTA-STS policies,
 * key verdicts): a hostile party who makes us look up many names, or names whose answers are large, can only
 * push older entries out, never grow the process. About the least recently used entry leaves first (see `get`).
 * Expiry is the caller's business; this only bounds what is held.
 */

interface Entry<V> {
  value: V;
  size: number;
  /** `placements` once this entry was placed. */
  placed: number;
  /** `sizePlaced` just before this entry was placed. */
  sizePlacedBefore: number;
}

interface BoundedCacheLimits<V> {
  /** Entries held at most. */
  maxEntries: number;
  /** Total of `sizeOf` over the entries held at most; unbounded when absent. */
  maxSize?: number;
  /** The weight of one value, in whatever unit `maxSize` counts (bytes of its JSON, say). */
  sizeOf?: (value: V) => number;
}

export class BoundedCache<K, V> {
  // Maps iterate in insertion order; a read re-inserts an entry that is getting old, so the first key is about the
  // least recently used.
  private readonly entries = new Map<K, Entry<V>>();
  private totalSize = 0;
  /** Entries placed (stored or re-inserted) so far: an entry's `placed` says how many came after it at most. */
  private placements = 0;
  /** The total size of those placements: less an entry's `sizePlacedBefore`, the size that came after it at most. */
  private sizePlaced = 0;
  private readonly halfEntries: number;
  private readonly halfSize: number;

  constructor(private readonly limits: BoundedCacheLimits<V>) {
    if (!(limits.maxEntries >= 1))
      throw new RangeError(`maxEntries must be at least 1, not ${limits.maxEntries}`);
    this.halfEntries = limits.maxEntries / 2;
    this.halfSize = (limits.maxSize ?? Infinity) / 2;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Re-inserts the entry only once half the bound's worth of entries, or of size, may have come after it, so an
   * entry read is kept for at least that many more; the send path reads the same few verdicts many times a second,
   * and moving each of them on every read cost more than the rest of the lookup. Both halves count: in a cache
   * filled by size, a few large values push an entry out long before half its entries have come after it.
   */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (
      this.placements - entry.placed >= this.halfEntries ||
      this.sizePlaced - entry.sizePlacedBefore >= this.halfSize
    )
      this.place(key, entry);
    return entry.value;
  }

  /** Stores `value`, evicting the least recently used entries as needed; a value heavier than `maxSize` is not kept. */
  set(key: K, value: V): void {
    this.delete(key);
    const size = this.limits.sizeOf?.(value) ?? 0;
    if (size > (this.limits.maxSize ?? Infinity)) return;
    this.place(key, { value, size, placed: 0, sizePlacedBefore: 0 });
    this.totalSize += size;
    this.evict();
  }

  /** Puts the entry last in the order, the one to leave last. */
  private place(key: K, entry: Entry<V>): void {
    this.entries.delete(key);
    entry.placed = ++this.placements;
    entry.sizePlacedBefore = this.sizePlaced;
    this.sizePlaced += entry.size;
    this.entries.set(key, entry);
  }

  delete(key: K): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    this.entries.delete(key);
    this.totalSize -= entry.size;
    return true;
  }

  /** Drops every entry `condition` holds for (expired ones, say); returns how many. */
  prune(condition: (value: V, key: K) => boolean): number {
    let dropped = 0;
    for (const [key, entry] of this.entries) {
      if (condition(entry.value, key)) dropped += Number(this.delete(key));
    }
    return dropped;
  }

  private evict(): void {
    const maxSize = this.limits.maxSize ?? Infinity;
    while (this.entries.size > this.limits.maxEntries || this.totalSize > maxSize) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) return;
      this.delete(oldest.value);
    }
  }
}

/** The approximate weight of a plain-data value: the length of its JSON, which is near its UTF-8 byte count. */
export function jsonSize(value: unknown): number {
  return JSON.stringify(value)?.length ?? 0;
}
