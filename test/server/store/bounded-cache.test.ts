import { BoundedCache, jsonSize } from '../../../src/server/store/bounded-cache';
import { MemoryReportCache } from '../../../src/server/store/report-cache';
import type { TransportReport } from '../../../src/server/transport/report';
import { ManualClock } from '../../helpers/clock';

const keys = <V>(cache: BoundedCache<string, V>, candidates: string[]) =>
  candidates.filter((key) => cache.get(key) !== undefined);

describe('BoundedCache', () => {
  test('holds at most maxEntries, dropping first the oldest entry not read since half as many came after it', () => {
    const cache = new BoundedCache<string, number>({ maxEntries: 3 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBe(1); // a is now the most recently used
    cache.set('d', 4);
    expect(cache.size).toBe(3);
    expect(keys(cache, ['a', 'b', 'c', 'd'])).toEqual(['a', 'c', 'd']);
  });

  test('holds at most maxSize by sizeOf, evicting as many entries as a large one needs', () => {
    const cache = new BoundedCache<string, string>({ maxEntries: 100, maxSize: 10, sizeOf: (v) => v.length });
    cache.set('a', 'xxx');
    cache.set('b', 'xxx');
    cache.set('c', 'xxx');
    cache.set('d', 'xxxxxxx');
    expect(keys(cache, ['a', 'b', 'c', 'd'])).toEqual(['c', 'd']);
  });

  test('an entry read after every insert stays while large values fill the cache by size', () => {
    // Half the entry bound never comes after it here: only the size placed since it can move it back.
    const cache = new BoundedCache<string, string>({
      maxEntries: 1000,
      maxSize: 100,
      sizeOf: (v) => v.length,
    });
    cache.set('hot', 'x');
    for (let n = 0; n < 30; n++) {
      cache.set(`large${n}`, 'x'.repeat(10));
      expect(cache.get('hot')).toBe('x');
    }
    expect(cache.get('large0')).toBeUndefined();
  });

  test('a value larger than maxSize is not kept, and displaces nothing', () => {
    const cache = new BoundedCache<string, string>({ maxEntries: 100, maxSize: 10, sizeOf: (v) => v.length });
    cache.set('a', 'xxx');
    cache.set('big', 'x'.repeat(11));
    expect(keys(cache, ['a', 'big'])).toEqual(['a']);
  });

  test('replacing or deleting an entry gives its size back', () => {
    const cache = new BoundedCache<string, string>({ maxEntries: 100, maxSize: 10, sizeOf: (v) => v.length });
    cache.set('a', 'xxxxxxxx');
    cache.set('a', 'xx');
    cache.set('b', 'xxxxxxxx');
    expect(keys(cache, ['a', 'b'])).toEqual(['a', 'b']);
    expect(cache.delete('a')).toBe(true);
    expect(cache.delete('a')).toBe(false);
    cache.set('c', 'xx');
    expect(keys(cache, ['a', 'b', 'c'])).toEqual(['b', 'c']);
  });

  test('a hundred thousand distinct keys leave it at its bound', () => {
    const cache = new BoundedCache<string, number>({ maxEntries: 1000 });
    for (let n = 0; n < 100_000; n++) cache.set(`d${n}.example`, n);
    expect(cache.size).toBe(1000);
    expect(cache.get('d99999.example')).toBe(99_999);
    expect(cache.get('d0.example')).toBeUndefined();
  });

  test('prune drops the entries a condition holds for, and gives their size back', () => {
    const cache = new BoundedCache<string, string>({ maxEntries: 100, maxSize: 10, sizeOf: (v) => v.length });
    cache.set('old', 'xxxx');
    cache.set('new', 'xxxx');
    expect(cache.prune((value, key) => key === 'old')).toBe(1);
    cache.set('more', 'xxxxxx');
    expect(keys(cache, ['old', 'new', 'more'])).toEqual(['new', 'more']);
  });

  test('jsonSize weighs plain data by its JSON', () => {
    expect(jsonSize({ a: 'xyz' })).toBe('{"a":"xyz"}'.length);
    expect(jsonSize(undefined)).toBe(0);
  });
});

describe('MemoryReportCache', () => {
  const report = (domain: string, banner = 'mx ready'): TransportReport =>
    ({ domain, verdict: 'encrypted', reasons: [banner] }) as unknown as TransportReport;

  test('reports from many domains push the oldest out rather than grow the process', async () => {
    const cache = new MemoryReportCache<TransportReport>(new ManualClock(0), 2);
    for (const domain of ['a.example', 'b.example', 'c.example'])
      await cache.set(domain, report(domain), 1000);
    expect(await cache.get('a.example')).toBeUndefined();
    expect(await cache.get('c.example')).toMatchObject({ value: { domain: 'c.example' }, expiresAt: 1000 });
  });

  test('a few hostile reports full of evidence cannot fill the cache beyond its size', async () => {
    const cache = new MemoryReportCache<TransportReport>(new ManualClock(0), 1000, 100_000);
    await cache.set('small.example', report('small.example'), 1000);
    for (let n = 0; n < 5; n++)
      await cache.set(`big${n}.example`, report(`big${n}.example`, 'x'.repeat(30_000)), 1000);
    expect(await cache.get('small.example')).toBeUndefined();
    expect(await cache.get('big4.example')).toBeDefined();
    expect(await cache.get('big0.example')).toBeUndefined();
  });

  test('an expired report is handed back only within the time it is kept past its expiry', async () => {
    const clock = new ManualClock(0);
    const cache = new MemoryReportCache<TransportReport>(clock, 1000, 100_000, 500);
    await cache.set('a.example', report('a.example'), 1000);
    clock.advance(1499);
    expect(cache.peek('a.example')).toMatchObject({ value: { domain: 'a.example' }, expiresAt: 1000 });
    clock.advance(1);
    expect(await cache.get('a.example')).toBeUndefined();
  });
});
