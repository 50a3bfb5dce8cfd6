/**
 * The SQLite schema as an ordered list of steps. A step, once released, never changes: a new need is a new step,
 * so every database reaches the same schema whatever version it started from.
 */
import type Database from 'better-sqlite3';
import { SendguardError } from '../../core/errors';
import { systemClock, type Clock } from '../../core/clock';

/** One step of a schema (this file's for SQLite, postgres/schema.ts's for PostgreSQL). */
export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE domain_verdicts (
        domain TEXT PRIMARY KEY,
        assessment TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX domain_verdicts_expiry ON domain_verdicts (expires_at);
      CREATE TABLE key_verdicts (
        address TEXT PRIMARY KEY,
        assessment TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX key_verdicts_expiry ON key_verdicts (expires_at);
      CREATE TABLE pins (
        address TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        accepted_by TEXT NOT NULL
      );
      CREATE TABLE keyring (
        fingerprint TEXT PRIMARY KEY,
        armored_key TEXT NOT NULL,
        added_at TEXT NOT NULL,
        added_by TEXT NOT NULL
      );
      CREATE TABLE keyring_addresses (
        fingerprint TEXT NOT NULL REFERENCES keyring (fingerprint) ON DELETE CASCADE,
        address TEXT NOT NULL,
        PRIMARY KEY (fingerprint, address)
      );
      CREATE INDEX keyring_addresses_address ON keyring_addresses (address);
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('sender', 'admin')),
        hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      );
    `,
  },
  {
    // Secure pickup (server/escrow/sqlite-store.ts).
    version: 2,
    sql: `
      -- Escrow's tables before they joined this list kept their own version table: that layout is dropped.
      DROP TABLE IF EXISTS escrow_audit;
      DROP TABLE IF EXISTS escrow_replies;
      DROP TABLE IF EXISTS escrow_sessions;
      DROP TABLE IF EXISTS escrow_codes;
      DROP TABLE IF EXISTS escrow_recipients;
      DROP TABLE IF EXISTS escrow_messages;
      DROP TABLE IF EXISTS escrow_schema;
      CREATE TABLE escrow_messages (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        sender_name TEXT NOT NULL,
        sender_address TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('uploading', 'ready', 'revoked', 'expired')),
        sealed_server_secret BLOB,
        wrapped_key BLOB,
        blob_count INTEGER NOT NULL,
        blob_sizes TEXT,
        passcode_salt BLOB,
        passcode_check BLOB,
        reply_public_key BLOB NOT NULL,
        wrapped_reply_key BLOB NOT NULL,
        sender_access_hash BLOB NOT NULL
      );
      CREATE INDEX escrow_messages_owner ON escrow_messages (owner);
      CREATE INDEX escrow_messages_expiry ON escrow_messages (expires_at) WHERE sealed_server_secret IS NOT NULL;
      CREATE TABLE escrow_recipients (
        message_id TEXT NOT NULL REFERENCES escrow_messages (id),
        address TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('active', 'revoked')),
        failures INTEGER NOT NULL DEFAULT 0,
        passcode_failures INTEGER NOT NULL DEFAULT 0,
        retry_at INTEGER,
        verified_at INTEGER,
        PRIMARY KEY (message_id, address)
      );
      CREATE TABLE escrow_codes (
        message_id TEXT NOT NULL,
        address TEXT NOT NULL,
        hash BLOB NOT NULL,
        expires_at INTEGER NOT NULL,
        tries INTEGER NOT NULL,
        PRIMARY KEY (message_id, address)
      );
      CREATE TABLE escrow_sessions (
        hash BLOB PRIMARY KEY,
        message_id TEXT NOT NULL,
        address TEXT NOT NULL,
        csrf TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE TABLE escrow_replies (
        id TEXT NOT NULL,
        message_id TEXT NOT NULL REFERENCES escrow_messages (id),
        address TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        ephemeral_public_key BLOB NOT NULL,
        blob_count INTEGER NOT NULL,
        blob_sizes TEXT,
        PRIMARY KEY (message_id, id)
      );
      CREATE TABLE escrow_audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        message_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        event TEXT NOT NULL,
        recipient TEXT,
        ip TEXT,
        user_agent TEXT
      );
      CREATE INDEX escrow_audit_message ON escrow_audit (message_id, recipient, event, at);
      -- Append-only: only the retention purge may blank the network details, nothing else changes or goes.
      CREATE TRIGGER escrow_audit_no_delete BEFORE DELETE ON escrow_audit
        BEGIN SELECT RAISE(ABORT, 'the escrow audit log is append-only'); END;
      CREATE TRIGGER escrow_audit_no_rewrite BEFORE UPDATE OF seq, message_id, at, event, recipient ON escrow_audit
        BEGIN SELECT RAISE(ABORT, 'the escrow audit log is append-only'); END;
      CREATE TRIGGER escrow_audit_only_blank BEFORE UPDATE OF ip, user_agent ON escrow_audit
        WHEN NEW.ip IS NOT NULL OR NEW.user_agent IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'the escrow audit log is append-only'); END;
    `,
  },
  {
    // Domain verdicts are cached in memory by the transport service; this table was never read or written.
    version: 3,
    sql: 'DROP TABLE domain_verdicts;',
  },
  {
    // The person an API token acts for (auth/token-owner.ts); tokens issued before stay without one.
    version: 4,
    sql: `
      ALTER TABLE api_tokens ADD COLUMN owner_name TEXT;
      ALTER TABLE api_tokens ADD COLUMN owner_address TEXT;
    `,
  },
  {
    // Recipient proofs, the passcode-wrapped and sender-wrapped content keys, and reply tags (escrow issue 16).
    // Before, a message with a passcode had one wrapped key that needed it, for every recipient: that key is the
    // passcode-wrapped one now, and its recipients are passcode recipients. Older messages keep no sender copy,
    // and older replies no tag, so their sender view cannot verify them.
    version: 5,
    sql: `
      ALTER TABLE escrow_recipients ADD COLUMN proof TEXT NOT NULL DEFAULT 'code'
        CHECK (proof IN ('sign-in', 'passcode', 'code'));
      ALTER TABLE escrow_recipients ADD COLUMN sign_in_provider TEXT;
      ALTER TABLE escrow_recipients ADD COLUMN sign_in_label TEXT;
      ALTER TABLE escrow_messages ADD COLUMN passcode_wrapped_key BLOB;
      ALTER TABLE escrow_messages ADD COLUMN sender_wrapped_key BLOB;
      ALTER TABLE escrow_replies ADD COLUMN tag BLOB;
      UPDATE escrow_messages SET passcode_wrapped_key = wrapped_key WHERE passcode_check IS NOT NULL;
      UPDATE escrow_recipients SET proof = 'passcode' WHERE message_id IN
        (SELECT id FROM escrow_messages WHERE passcode_check IS NOT NULL);
    `,
  },
  {
    // Transport reports and MTA-STS policies outlive a restart (store/store.ts ServiceStore); settings hold
    // what the service keeps about itself, such as the escrow server key's check value.
    version: 6,
    sql: `
      CREATE TABLE transport_reports (
        domain TEXT PRIMARY KEY,
        report TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX transport_reports_expiry ON transport_reports (expires_at);
      CREATE TABLE sts_policies (
        domain TEXT PRIMARY KEY,
        entry TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX sts_policies_expiry ON sts_policies (expires_at);
      CREATE TABLE settings (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    // Decision records (server/decisions): what each send check decided. Ids begin with the time in hexadecimal,
    // so id order is time order and a page resumes after an id; recipients go with their record.
    version: 7,
    sql: `
      CREATE TABLE decision_records (
        id TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        policy_version TEXT NOT NULL,
        host TEXT NOT NULL,
        sender TEXT NOT NULL,
        pseudonymous INTEGER NOT NULL,
        classification TEXT NOT NULL,
        action TEXT NOT NULL,
        outcome TEXT NOT NULL,
        passcode_set INTEGER NOT NULL
      );
      CREATE INDEX decision_records_at ON decision_records (at);
      CREATE TABLE decision_recipients (
        record_id TEXT NOT NULL REFERENCES decision_records (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        address TEXT NOT NULL,
        domain TEXT NOT NULL,
        internal INTEGER NOT NULL,
        transport TEXT,
        key_verdict TEXT NOT NULL,
        key_source TEXT,
        sign_in TEXT,
        protection TEXT NOT NULL,
        PRIMARY KEY (record_id, position)
      );
    `,
  },
  {
    // Policy versions saved through the API (server/admin-policy): the newest is the policy in force. A version's
    // number is one more than the newest saved, so two nodes saving at once cannot both succeed.
    version: 8,
    sql: `
      CREATE TABLE policy_versions (
        seq INTEGER PRIMARY KEY,
        version TEXT NOT NULL,
        text TEXT NOT NULL,
        saved_by TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        note TEXT
      );
    `,
  },
  {
    // The admin console (server/admin): when each domain's transport verdict last changed (one row per domain),
    // changed keys found by lookups with the decision taken on them, and the admin who acted on a secure message,
    // named in its audit log (append-only like the rest of the entry).
    version: 9,
    sql: `
      CREATE TABLE verdict_changes (
        domain TEXT PRIMARY KEY,
        from_verdict TEXT,
        to_verdict TEXT NOT NULL,
        changed_at INTEGER NOT NULL
      );
      CREATE TABLE changed_keys (
        address TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        pinned_fingerprint TEXT NOT NULL,
        source TEXT,
        reasons TEXT NOT NULL,
        seen_at INTEGER NOT NULL,
        decision TEXT CHECK (decision IN ('accepted', 'refused')),
        decided_by TEXT,
        decided_at INTEGER,
        PRIMARY KEY (address, fingerprint)
      );
      CREATE INDEX changed_keys_pending ON changed_keys (seen_at) WHERE decision IS NULL;
      CREATE INDEX escrow_messages_created ON escrow_messages (created_at);
      ALTER TABLE escrow_audit ADD COLUMN admin TEXT;
      CREATE TRIGGER escrow_audit_no_rewrite_admin BEFORE UPDATE OF admin ON escrow_audit
        BEGIN SELECT RAISE(ABORT, 'the escrow audit log is append-only'); END;
    `,
  },
  {
    // Mailbox-access reports outlive a restart and are shared like transport reports: a node started again, or
    // another node, answers from here rather than checking afresh (store/store.ts ServiceStore).
    version: 10,
    sql: `
      CREATE TABLE mailbox_reports (
        domain TEXT PRIMARY KEY,
        report TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX mailbox_reports_expiry ON mailbox_reports (expires_at);
    `,
  },
];

/** The last step of `migrations`; refuses a database at `current`, a version from newer code, not downgraded. */
export function newestKnown(migrations: readonly Migration[], current: number): number {
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new SendguardError(
      'STORE_TOO_NEW',
      `the database is at schema version ${current}; this Sendguard knows versions up to ${newest}`,
    );
  }
  return newest;
}

/**
 * Applies the steps the database lacks, all in one transaction, each stamped by `clock`; refuses a database from
 * newer code.
 */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
  clock: Clock = systemClock,
): number {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  const apply = db.transaction(() => {
    const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as {
      version: number | null;
    };
    const current = row.version ?? 0;
    const newest = newestKnown(migrations, current);
    const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
    for (const migration of migrations.filter((m) => m.version > current)) {
      db.exec(migration.sql);
      record.run(migration.version, new Date(clock.now()).toISOString());
    }
    return newest;
  });
  // IMMEDIATE takes the write lock first, so two processes opening one new database cannot both migrate it.
  return apply.immediate();
}
