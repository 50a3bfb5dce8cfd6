/**
 * What the server keeps between requests. The interface is asynchronous although better-sqlite3 is not: a
 * PostgreSQL implementation can only be asynchronous, and an `await` on a synchronous call costs a microtask,
 * far below a network round trip. Keys are passed as the caller normalised them; the store compares them exactly.
 */
import type { KeyAssessment } from '../../core/wire';
import type { BlobStore } from '../escrow/blobs';
import type { EscrowStore } from '../escrow/store';
import type { MailboxAccessReport } from '../mailbox/report';
import type { StsCacheEntry } from '../transport/mta-sts';
import type { TransportReport } from '../transport/report';
import type { DecisionStore } from './decision-store';
import type { SealedValue } from './sealed-cache';
import type { ChangedKeys } from './changed-keys';
import type { VerdictChanges } from './verdict-changes';

export interface CacheEntry<T> {
  value: T;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** Assessments kept until they expire. An expired entry is still returned: the caller's clock decides. */
export interface VerdictCache<T> {
  get(key: string): Promise<CacheEntry<T> | undefined>;
  /**
   * The entry held in memory for `key`, without waiting: only a memory front has one, and only while it may trust
   * what it holds. Undefined does not mean absent: `get` then asks the store.
   */
  peek?(key: string): CacheEntry<T> | undefined;
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
  /** Every pin, by address (the admin's Keys page). */
  list(): Promise<Pin[]>;
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
  /** The token held in memory for `hash`, without waiting (a memory front); undefined: ask `findByHash`. */
  held?(hash: string): ApiTokenRecord | undefined;
  list(): Promise<ApiTokenRecord[]>;
  /** Marks the token revoked; false when there is no such token or it was revoked already. */
  revoke(id: string, at: string): Promise<boolean>;
}

/**
 * A key verdict as the store holds it: sealed under a name derived from its address (`sealed-cache.ts`), as the
 * service writes it, or in clear where a store is used without the deployment's pseudonym key (the memory store).
 */
export type StoredKeyVerdict = KeyAssessment | SealedValue;

export interface Store {
  /** By `mailboxKey`, or by its sealed name where the values are sealed. */
  keyVerdicts: VerdictCache<StoredKeyVerdict>;
  pins: PinStore;
  keyring: KeyringStore;
  tokens: TokenStore;
  /** What each send check decided (server/decisions), for the admin's overview and the policy preview. */
  decisions: DecisionStore;
  /** When each domain's transport verdict last changed (the admin's Domains page). */
  verdictChanges: VerdictChanges;
  /** Changed keys lookups found, and what was decided on them (the admin's Keys page). */
  changedKeys: ChangedKeys;
  close(): Promise<void>;
}

/** One saved version of the organisation policy, as an admin saved it through the API. */
export interface SavedPolicy {
  /** 1 for the first version saved, one more for each after it. */
  seq: number;
  /** The policy's version as `/assess` reports it (`policyVersion`: SHA-256 of its canonical JSON). */
  version: string;
  /** The YAML as saved, comments and all. */
  text: string;
  savedBy: string;
  /** ISO 8601. */
  savedAt: string;
  note?: string;
}

/** The policy versions saved through the API (`/api/v1/admin/policy`); the policy file is the starting point. */
export interface PolicyVersionStore {
  /**
   * Saves `entry` as version `seq`, which the caller makes one more than the newest it knows of (1 when none is):
   * false, and nothing saved, when that number is taken (another node saved first).
   */
  save(entry: SavedPolicy): Promise<boolean>;
  latest(): Promise<SavedPolicy | undefined>;
  /** Version `seq`, if saved. */
  get(seq: number): Promise<SavedPolicy | undefined>;
  /** Newest first, at most `limit`, without their text. */
  history(limit: number): Promise<Omit<SavedPolicy, 'text'>[]>;
}

/**
 * What one node changed that other nodes may hold in memory: a cached verdict (`key` is its cache key) or an
 * organisation keyring entry (`key` is the fingerprint). Nodes sharing PostgreSQL hear each other's changes
 * through LISTEN/NOTIFY; a node never hears its own, and a store that only one process uses hears nothing.
 * An API token revoked or inserted is announced too (`tokens`, `key` is the token's id), and a policy version
 * saved (`policy`, `key` is its `seq`).
 * Delivery is at most once: a change made while a node's listening connection is down (it reconnects by itself)
 * is not heard by that node, which is why the feed says it is not `live` until then and a reconnect is told to
 * every subscriber as a reset.
 */
export type ChangedCache =
  'keyVerdicts' | 'transportReports' | 'mailboxReports' | 'keyring' | 'tokens' | 'policy';
export interface Change {
  cache: ChangedCache;
  key: string;
}
export interface ChangeFeed {
  /**
   * Calls `listener` for each change another node made, and `onReset` when changes may have been missed (the
   * listening connection was lost and is back): whoever holds anything from the store in memory forgets it all.
   * Returns the function that stops listening.
   */
  subscribe(listener: (change: Change) => void, onReset?: () => void): () => void;
  /**
   * False while the listening connection is lost and not yet back: changes made meanwhile go unheard, so nothing
   * held in memory may be trusted until the reset that follows. Always true for a store only one process uses.
   */
  readonly live: boolean;
  /**
   * A feed that learns of other writers by asking rather than being told (SQLite: another process, the CLI, wrote
   * the file) asks now, and tells what it learns as a reset. A memory front whose answers must follow such writes at
   * once (API tokens: a revocation) calls this before trusting what it holds; pushed feeds have none.
   */
  catchUp?(): void;
}

/** Fixed-window hit counters (rate limits) shared by every node. Keys carry their limiter's prefix. */
export interface RateCounters {
  /**
   * Counts `hits` hits of `key` (one when absent; a node sends several it counted in memory at once) and returns
   * the count in its window, these hits included, and when the window ends. A window starts at the first hit
   * after the last one ended and lasts `windowMs`.
   */
  hit(key: string, windowMs: number, now: number, hits?: number): Promise<{ count: number; resetAt: number }>;
  /** Forgets windows that ended before `now`; returns how many. */
  deleteExpired(now: number): Promise<number>;
}

/** Runs periodic work on one node at a time. */
export interface Exclusive {
  /** Runs `task` unless another node is running work of the same `name`; undefined when it did not run. */
  run<T>(name: string, task: () => Promise<T>): Promise<T | undefined>;
}

/** Small named values the service keeps about itself (for example the escrow server key's check value). */
export interface Settings {
  get(name: string): Promise<string | undefined>;
  /** Stores `value` under `name` unless a value is there already; returns the value stored (the first one). */
  putIfAbsent(name: string, value: string): Promise<string>;
}

/**
 * What the API needs of the store: the records, and the parts the nodes share (rate counters, changes), taken
 * from the store itself so that a PostgreSQL store cannot be given with per-process limits by mistake.
 */
export type ApiStore = Store & Pick<ServiceStore, 'rateCounters' | 'changes' | 'policyVersions'>;

/** Everything the running service keeps, in one SQLite file or in one PostgreSQL database. */
export interface ServiceStore extends Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Transport reports by lower-case A-label domain, kept for the report's TTL. */
  transportReports: VerdictCache<TransportReport>;
  /**
   * Mailbox-access reports by lower-case A-label domain, kept for the report's TTL and then for the mailbox
   * service's stale window, during which one is answered while a check runs again (purge-expired.ts).
   */
  mailboxReports: VerdictCache<MailboxAccessReport>;
  /** MTA-STS policies by lower-case A-label domain, kept until their max_age ends. */
  stsPolicies: VerdictCache<StsCacheEntry>;
  rateCounters: RateCounters;
  settings: Settings;
  policyVersions: PolicyVersionStore;
  exclusive: Exclusive;
  changes: ChangeFeed;
  escrow: EscrowStore;
  /** Escrow ciphertext: files under the data directory with SQLite, chunk rows with PostgreSQL. */
  escrowBlobs: BlobStore;
}
