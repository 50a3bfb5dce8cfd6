/**
 * The organisation keyring and settings in PostgreSQL, whose statements differ from SQLite's (the keyring's address
 * aggregation and in-place writes; settings' conflict handling); pins and tokens are `../sql-records.ts`. Keyring
 * writes announce themselves, since nodes may hold the keyring in memory.
 */
import type pg from 'pg';
import { keyringEntry, type KeyringRow } from '../rows';
import type { KeyringStore, Settings } from '../store';
import { announcing } from './change-feed';
import { inTransaction } from './connection';

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
