/**
 * What the server keeps between requests. The interface is asynchronous although better-sqlite3 is not: a
 * PostgreSQL implementation can only be asynchronous, and an `await` on a synchronous call costs a microtask,
 * far below a network round trip. Keys are passed as the caller normalised them; the store compares them exactly.
 */
import type { KeyAssessment } from '../../core/wire';

export interface CacheEntry<T> {
  value: T;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** Assessments kept until they expire. An expired entry is still returned: the caller's clock decides. */
export interface VerdictCache<T> {
  get(key: string): Promise<CacheEntry<T> | undefined>;
  put(key: string, value: T, expiresAt: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Removes entries that expired before `now`; returns how many. */
  deleteExpired(now: number): Promise<number>;
}

/**
 * The key pinned for an address (src/server/keys/pins.ts): found first, or accepted by a sender or admin. A
 * different key later is `changed`, not silently used.
 */
export interface Pin {
  /** As `mailboxKey` gives it. */
  address: string;
  /** Upper-case hexadecimal. */
  fingerprint: string;
  /** ISO 8601: when this fingerprint was first accepted for the address. */
  firstSeen: string;
  /** Who accepted it (a token name or an Entra subject; `first-use` when no one did), for the admin's audit. */
  acceptedBy: string;
}

export interface PinStore {
  get(address: string): Promise<Pin | undefined>;
  put(pin: Pin): Promise<void>;
  delete(address: string): Promise<boolean>;
}

/** A key the organisation vouches for, whatever the public key directories say. */
export interface KeyringEntry {
  fingerprint: string;
  armoredKey: string;
  addresses: string[];
  addedAt: string;
  addedBy: string;
}

export interface KeyringStore {
  get(fingerprint: string): Promise<KeyringEntry | undefined>;
  findByAddress(address: string): Promise<KeyringEntry[]>;
  list(): Promise<KeyringEntry[]>;
  /** Adds the key, or replaces the entry with the same fingerprint. */
  put(entry: KeyringEntry): Promise<void>;
  delete(fingerprint: string): Promise<boolean>;
}

export type TokenRole = 'sender' | 'admin';

/** The person an API token acts for: who secure pickup names as the sender of what the token sends. */
export interface TokenOwner {
  /** Display name, when one was given. */
  name?: string;
  /** `mailboxKey` form. */
  address: string;
}

/** An API token as stored: its SHA-256, never the token itself. */
export interface ApiTokenRecord {
  id: string;
  name: string;
  role: TokenRole;
  /** Absent for tokens issued without one (and for every token issued before owners existed). */
  owner?: TokenOwner;
  /** Lower-case hexadecimal SHA-256 of the whole token text. */
  hash: string;
  createdAt: string;
  revokedAt?: string;
}

export interface TokenStore {
  insert(token: ApiTokenRecord): Promise<void>;
  findByHash(hash: string): Promise<ApiTokenRecord | undefined>;
  list(): Promise<ApiTokenRecord[]>;
  /** Marks the token revoked; false when there is no such token or it was revoked already. */
  revoke(id: string, at: string): Promise<boolean>;
}

export interface Store {
  /** By `mailboxKey`. */
  keyVerdicts: VerdictCache<KeyAssessment>;
  pins: PinStore;
  keyring: KeyringStore;
  tokens: TokenStore;
  close(): Promise<void>;
}
