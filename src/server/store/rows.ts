/**
 * Rows as both databases return them (the same column names in SQLite and PostgreSQL) turned into the records the
 * store hands out, and the one error a duplicate token becomes whichever database refused it.
 */
import { SendguardError } from '../../core/errors';
import type { ApiTokenRecord, KeyringEntry, Pin } from './store';

export interface PinRow {
  address: string;
  fingerprint: string;
  first_seen: string;
  accepted_by: string;
}

export function pinRecord(row: PinRow): Pin {
  return {
    address: row.address,
    fingerprint: row.fingerprint,
    firstSeen: row.first_seen,
    acceptedBy: row.accepted_by,
  };
}

/** The values of a pin in the column order of `INSERT INTO pins (address, fingerprint, first_seen, accepted_by)`. */
export const pinValues = (pin: Pin): string[] => [
  pin.address,
  pin.fingerprint,
  pin.firstSeen,
  pin.acceptedBy,
];

export interface KeyringRow {
  fingerprint: string;
  armored_key: string;
  added_at: string;
  added_by: string;
  /** The key's addresses as a JSON array, sorted (each database aggregates them in its own way). */
  addresses: string | null;
}

export function keyringEntry(row: KeyringRow): KeyringEntry {
  return {
    fingerprint: row.fingerprint,
    armoredKey: row.armored_key,
    addresses: JSON.parse(row.addresses ?? '[]') as string[],
    addedAt: row.added_at,
    addedBy: row.added_by,
  };
}

export interface TokenRow {
  id: string;
  name: string;
  role: ApiTokenRecord['role'];
  hash: string;
  created_at: string;
  revoked_at: string | null;
  owner_name: string | null;
  owner_address: string | null;
}

export function tokenRecord(row: TokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    hash: row.hash,
    createdAt: row.created_at,
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
    ...(row.owner_address
      ? { owner: { ...(row.owner_name ? { name: row.owner_name } : {}), address: row.owner_address } }
      : {}),
  };
}

/** The columns of `api_tokens` in the order `tokenValues` gives them. */
export const TOKEN_COLUMNS = 'id, name, role, hash, created_at, revoked_at, owner_name, owner_address';

export const tokenValues = (token: ApiTokenRecord): Array<string | null> => [
  token.id,
  token.name,
  token.role,
  token.hash,
  token.createdAt,
  token.revokedAt ?? null,
  token.owner?.name ?? null,
  token.owner?.address ?? null,
];

/** The driver's own error class is no contract; callers branch on this stable code. */
export function tokenConflict(cause?: unknown): SendguardError {
  return new SendguardError('TOKEN_CONFLICT', 'a token with this id or hash exists already', { cause });
}
