/**
 * The sealed cache on its own: what goes in comes out; what the store holds (on SQLite, as bytes) names no address
 * and cannot be tied to one without the deployment's key; a row written under another key, moved to another name
 * or tampered with is a miss, never an error. The names and the sealing are checked against WebCrypto's HKDF, HMAC
 * and AES-GCM, an implementation other than the one the module uses.
 */
import { createHash, createHmac, randomBytes, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { KeyAssessment } from '../../../src/core/wire';
import { pseudonymOf } from '../../../src/server/decisions/pseudonym';
import { withMemoryFront } from '../../../src/server/store/memory-front';
import { openMemoryStore } from '../../../src/server/store/memory';
import { sealedCache, sealKeys, SealedValue } from '../../../src/server/store/sealed-cache';
import { DATABASE_FILE, openSqliteStore } from '../../../src/server/store/sqlite';
import type { StoredKeyVerdict, VerdictCache } from '../../../src/server/store/store';
import { manualFeed } from '../../helpers/change-feed';
import { scratchDir, stopAtFileEnd } from '../../helpers/scratch';

const ADDRESS = 'zelda.quuxley@partner.example';
const LOCAL = 'zelda.quuxley';
const PURPOSE = 'key-verdicts';

function verdict(address = ADDRESS): KeyAssessment {
  return { address, verdict: 'none', reasons: [`no key was found for ${address}`] };
}

/** A SQLite store in a fresh folder, and its rows read around the store. */
function sqlite() {
  const dir = scratchDir('sealed-cache');
  const store = openSqliteStore(dir);
  stopAtFileEnd(() => store.close());
  const rows = () => {
    const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    try {
      return db.prepare('SELECT address, assessment, expires_at FROM key_verdicts').all() as Array<{
        address: string;
        assessment: string;
        expires_at: number;
      }>;
    } finally {
      db.close();
    }
  };
  const bytes = () =>
    [DATABASE_FILE, `${DATABASE_FILE}-wal`]
      .map((name) => {
        try {
          return readFileSync(join(dir, name)).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('\n');
  return { store, rows, bytes };
}

const sealed = (inner: VerdictCache<StoredKeyVerdict>, secret: Uint8Array) =>
  sealedCache(inner, sealKeys(secret, PURPOSE), KeyAssessment);

/** HKDF-SHA256 with an empty salt, as WebCrypto computes it. */
async function webHkdf(secret: Uint8Array, info: string, usage: 'hmac' | 'aes') {
  const base = await webcrypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
  const params = {
    name: 'HKDF',
    hash: 'SHA-256',
    salt: new Uint8Array(0),
    info: new TextEncoder().encode(info),
  };
  return usage === 'hmac'
    ? webcrypto.subtle.deriveKey(params, base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, [
        'sign',
      ])
    : webcrypto.subtle.deriveKey(params, base, { name: 'AES-GCM', length: 256 }, false, ['decrypt']);
}

test('a verdict put is the verdict got, with its expiry; delete and purge reach the sealed row', async () => {
  const { store, rows } = sqlite();
  const cache = sealed(store.keyVerdicts, randomBytes(32));
  await cache.put(ADDRESS, verdict(), 2000);
  expect(await cache.get(ADDRESS)).toEqual({ value: verdict(), expiresAt: 2000 });
  expect(rows()).toHaveLength(1);
  // Expiry stays in clear: the periodic purge still finds what expired.
  expect(rows()[0]!.expires_at).toBe(2000);
  await cache.put('other@partner.example', verdict('other@partner.example'), 1000);
  expect(await cache.deleteExpired(1500)).toBe(1);
  expect(await cache.get('other@partner.example')).toBeUndefined();
  await cache.delete(ADDRESS);
  expect(await cache.get(ADDRESS)).toBeUndefined();
  expect(rows()).toEqual([]);
});

test('the database holds neither the address nor its local part, in the row or anywhere in its file', async () => {
  const { store, rows, bytes } = sqlite();
  const secret = randomBytes(32);
  await sealed(store.keyVerdicts, secret).put(ADDRESS, verdict(), 2000);
  const [row] = rows();
  expect(SealedValue.parse(JSON.parse(row!.assessment))).toEqual({ sealed: expect.any(String) });
  const held = bytes().toLowerCase();
  expect(held).toContain(row!.address.toLowerCase());
  expect(held).not.toContain(LOCAL);
  expect(held).not.toContain('partner.example');
  expect(held).not.toContain('no key was found');
});

test("an entry's name cannot be made from the address without the key", async () => {
  const { store, rows } = sqlite();
  const secret = randomBytes(32);
  await sealed(store.keyVerdicts, secret).put(ADDRESS, verdict(), 2000);
  const name = rows()[0]!.address;
  const unkeyed = [
    ADDRESS,
    createHash('sha256').update(ADDRESS).digest('hex'),
    createHash('sha256').update(ADDRESS).digest('base64url'),
    // Nor is it the decision records' pseudonym, nor any HMAC directly under the deployment's key.
    pseudonymOf(secret, ADDRESS),
    createHmac('sha256', secret).update(ADDRESS).digest('base64url'),
    createHmac('sha256', secret).update(ADDRESS).digest('hex'),
  ];
  for (const guess of unkeyed) expect(name).not.toBe(guess);
  expect(name).not.toContain(pseudonymOf(secret, ADDRESS).split('@')[0]);
  // It is the HMAC under the subkey HKDF gives for this cache's names.
  const names = await webHkdf(secret, `sendguard-cache/v1/${PURPOSE}/names`, 'hmac');
  const mac = await webcrypto.subtle.sign('HMAC', names, new TextEncoder().encode(ADDRESS));
  expect(name).toBe(Buffer.from(mac).toString('base64url'));
  // Another key names the same address otherwise.
  const other = sqlite();
  await sealed(other.store.keyVerdicts, randomBytes(32)).put(ADDRESS, verdict(), 2000);
  expect(other.rows()[0]!.address).not.toBe(name);
});

test('the value is AES-256-GCM under the values subkey, IV first and tag last, its name the additional data', async () => {
  const { store, rows } = sqlite();
  const secret = randomBytes(32);
  await sealed(store.keyVerdicts, secret).put(ADDRESS, verdict(), 2000);
  const [row] = rows();
  const bytes = Buffer.from(SealedValue.parse(JSON.parse(row!.assessment)).sealed, 'base64url');
  const key = await webHkdf(secret, `sendguard-cache/v1/${PURPOSE}/values`, 'aes');
  const open = (additionalData: string) =>
    webcrypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bytes.subarray(0, 12), additionalData: Buffer.from(additionalData) },
      key,
      bytes.subarray(12),
    );
  expect(JSON.parse(Buffer.from(await open(row!.address)).toString('utf8'))).toEqual(verdict());
  await expect(open('another name')).rejects.toThrow();
});

test('a cache on another key finds nothing, and a row moved under another name does not open', async () => {
  const { store, rows } = sqlite();
  const cache = sealed(store.keyVerdicts, randomBytes(32));
  await cache.put(ADDRESS, verdict(), 2000);
  expect(await sealed(store.keyVerdicts, randomBytes(32)).get(ADDRESS)).toBeUndefined();

  const [zelda] = rows();
  await cache.put('bob@partner.example', verdict('bob@partner.example'), 2000);
  const bob = rows().find((row) => row.address !== zelda!.address)!;
  // Bob's sealed verdict copied under Zelda's name: the store reads it as a sealed value, the cache refuses it.
  await store.keyVerdicts.put(zelda!.address, SealedValue.parse(JSON.parse(bob.assessment)), 2000);
  expect(await store.keyVerdicts.get(zelda!.address)).toBeDefined();
  expect(await cache.get(ADDRESS)).toBeUndefined();
  expect(await cache.get('bob@partner.example')).toEqual({
    value: verdict('bob@partner.example'),
    expiresAt: 2000,
  });
});

/** `text` (base64url) with one bit of its ciphertext flipped. */
function flipped(text: string): string {
  const bytes = Buffer.from(text, 'base64url');
  bytes[20]! ^= 1;
  return bytes.toString('base64url');
}

test.each([
  ['with a bit flipped', flipped],
  ['cut short', (text: string) => text.slice(0, 20)],
  ['emptied', () => ''],
  ['not base64url', () => '!!!!'],
])('a sealed value %s is a miss', async (_, spoil) => {
  const { store, rows } = sqlite();
  const cache = sealed(store.keyVerdicts, randomBytes(32));
  await cache.put(ADDRESS, verdict(), 2000);
  const [row] = rows();
  const { sealed: text } = SealedValue.parse(JSON.parse(row!.assessment));
  await store.keyVerdicts.put(row!.address, { sealed: spoil(text) }, 2000);
  await expect(cache.get(ADDRESS)).resolves.toBeUndefined();
});

test('a row in clear, or one that opens to something not a key verdict, is a miss', async () => {
  const { store, rows } = sqlite();
  const secret = randomBytes(32);
  const cache = sealed(store.keyVerdicts, secret);
  await cache.put(ADDRESS, verdict(), 2000);
  const [row] = rows();
  await store.keyVerdicts.put(row!.address, verdict(), 2000);
  expect(await cache.get(ADDRESS)).toBeUndefined();
  const loose = sealedCache(store.keyVerdicts, sealKeys(secret, PURPOSE), z.unknown());
  await loose.put(ADDRESS, { verdict: 'great' }, 2000);
  expect(await loose.get(ADDRESS)).toEqual({ value: { verdict: 'great' }, expiresAt: 2000 });
  expect(await cache.get(ADDRESS)).toBeUndefined();
});

test('over a memory front: it holds names, the change feed tells names, and each row is opened once', async () => {
  const { changes, tell } = manualFeed();
  const memory: VerdictCache<StoredKeyVerdict> = openMemoryStore().keyVerdicts;
  const names: string[] = [];
  const recorded: VerdictCache<StoredKeyVerdict> = {
    ...memory,
    get: (name) => memory.get(name),
    put: (name, value, expiresAt) => {
      names.push(name);
      return memory.put(name, value, expiresAt);
    },
  };
  const front = withMemoryFront(recorded, { changes, cache: 'keyVerdicts' });
  stopAtFileEnd(async () => front.stopListening());
  const cache = sealed(front, randomBytes(32));
  expect(cache.peek?.(ADDRESS)).toBeUndefined();
  await cache.put(ADDRESS, verdict(), 2000);
  const first = cache.peek?.(ADDRESS);
  expect(first).toEqual({ value: verdict(), expiresAt: 2000 });
  // The same object each time: what callers derive from a verdict by its identity is derived once.
  expect(cache.peek?.(ADDRESS)?.value).toBe(first?.value);
  expect(front.peek?.(ADDRESS)).toBeUndefined();
  expect(front.peek?.(names[0]!)).toBeDefined();
  // Another node's change is told by the entry's name (the address means nothing to the front) and drops it.
  tell({ cache: 'keyVerdicts', key: ADDRESS });
  expect(cache.peek?.(ADDRESS)).toBeDefined();
  tell({ cache: 'keyVerdicts', key: names[0]! });
  expect(cache.peek?.(ADDRESS)).toBeUndefined();
  expect(await cache.get(ADDRESS)).toEqual({ value: verdict(), expiresAt: 2000 });
});
