/**
 * Pins, the organisation keyring, API tokens and settings in PostgreSQL: plain rows, mapped as SQLite's are (`../rows.ts`).
 * Keyring writes and token inserts and revocations announce themselves, since nodes may hold both in memory.
 */
import type pg from 'pg';
import {
  keyringEntry,
  pinRecord,
  pinValues,
  TOKEN_COLUMNS,
  tokenConflict,
  tokenRecord,
  tokenValues,
  type KeyringRow,
  type PinRow,
  type TokenRow,
} from '../rows';
import type { KeyringStore, PinStore, Settings, TokenStore } from '../store';
import { announcing } from './change-feed';
import { inTransaction } from './connection';

export function postgresPins(pool: pg.Pool): PinStore {
  return {
    async get(address) {
      const { rows } = await pool.query<PinRow>('SELECT * FROM pins WHERE address = $1', [address]);
      return rows[0] && pinRecord(rows[0]);
    },
    async put(pin) {
      await pool.query(
        `INSERT INTO pins (address, fingerprint, first_seen, accepted_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (address) DO UPDATE SET fingerprint = excluded.fingerprint,
           first_seen = excluded.first_seen, accepted_by = excluded.accepted_by`,
        pinValues(pin),
      );
    },
    async delete(address) {
      return ((await pool.query('DELETE FROM pins WHERE address = $1', [address])).rowCount ?? 0) > 0;
    },
  };
}

/**
 * One row per key, its addresses gathered as a JSON array in text, as SQLite's json_group_array gives them, and in
 * its order (bytes, whatever the database's collation).
 */
const KEYRING_SELECT = `
  SELECT k.fingerprint, k.armored_key, k.added_at, k.added_by,
    (SELECT json_agg(a.address ORDER BY a.address COLLATE "C")::text FROM keyring_addresses a
       WHERE a.fingerprint = k.fingerprint) AS addresses
  FROM keyring k`;

export function postgresKeyring(pool: pg.Pool, node: string): KeyringStore {
  const select = async (where: string, params: unknown[]) =>
    (await pool.query<KeyringRow>(`${KEYRING_SELECT} ${where}`, params)).rows.map(keyringEntry);
  return {
    get: async (fingerprint) => (await select('WHERE k.fingerprint = $1', [fingerprint]))[0],
    findByAddress: (address) =>
      select(
        `WHERE k.fingerprint IN (SELECT fingerprint FROM keyring_addresses WHERE address = $1)
         ORDER BY k.fingerprint`,
        [address],
      ),
    list: () => select('ORDER BY k.fingerprint', []),
    async put(entry) {
      // Written over in place rather than deleted and inserted: two nodes storing one key at once then take turns
      // on its row instead of the second failing on the first one's new row.
      await inTransaction(pool, async (client) => {
        await client.query(
          announcing(
            `INSERT INTO keyring (fingerprint, armored_key, added_at, added_by) VALUES ($1, $2, $3, $4)
             ON CONFLICT (fingerprint) DO UPDATE SET armored_key = excluded.armored_key,
               added_at = excluded.added_at, added_by = excluded.added_by
             RETURNING 1`,
            [entry.fingerprint, entry.armoredKey, entry.addedAt, entry.addedBy],
            { node, cache: 'keyring', key: entry.fingerprint },
          ),
        );
        await client.query(
          'DELETE FROM keyring_addresses WHERE fingerprint = $1 AND NOT (address = ANY ($2::text[]))',
          [entry.fingerprint, entry.addresses],
        );
        await client.query(
          `INSERT INTO keyring_addresses (fingerprint, address) SELECT $1, unnest($2::text[])
           ON CONFLICT DO NOTHING`,
          [entry.fingerprint, entry.addresses],
        );
      });
    },
    async delete(fingerprint) {
      const { rows } = await pool.query<{ changed: number }>(
        announcing('DELETE FROM keyring WHERE fingerprint = $1 RETURNING 1', [fingerprint], {
          node,
          cache: 'keyring',
          key: fingerprint,
        }),
      );
      return rows[0]!.changed > 0;
    },
  };
}

/** PostgreSQL's unique_violation: a token's id or hash is taken. */
const UNIQUE_VIOLATION = '23505';

export function postgresTokens(pool: pg.Pool, node: string): TokenStore {
  return {
    async insert(token) {
      await pool
        .query(
          announcing(
            `INSERT INTO api_tokens (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING 1`,
            tokenValues(token),
            { node, cache: 'tokens', key: token.id },
          ),
        )
        .catch((error: unknown) => {
          throw (error as { code?: string }).code === UNIQUE_VIOLATION ? tokenConflict(error) : error;
        });
    },
    async findByHash(hash) {
      // Named: prepared once per connection, as every API request looks its token up.
      const { rows } = await pool.query<TokenRow>({
        name: 'token-by-hash',
        text: 'SELECT * FROM api_tokens WHERE hash = $1',
        values: [hash],
      });
      return rows[0] && tokenRecord(rows[0]);
    },
    async list() {
      return (await pool.query<TokenRow>('SELECT * FROM api_tokens ORDER BY created_at, id')).rows.map(
        tokenRecord,
      );
    },
    async revoke(id, at) {
      const { rows } = await pool.query<{ changed: number }>(
        announcing(
          'UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING 1',
          [at, id],
          { node, cache: 'tokens', key: id },
        ),
      );
      return rows[0]!.changed > 0;
    },
  };
}

export function postgresSettings(pool: pg.Pool): Settings {
  const get = async (name: string) =>
    (await pool.query<{ value: string }>('SELECT value FROM settings WHERE name = $1', [name])).rows[0]
      ?.value;
  return {
    get,
    async putIfAbsent(name, value) {
      const { rowCount } = await pool.query(
        'INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
        [name, value],
      );
      if (rowCount === 1) return value;
      // A separate statement: one that inserted nothing because another node's insert won still reads with the
      // snapshot it started with, from before that insert committed.
      return (await get(name))!;
    },
  };
}
