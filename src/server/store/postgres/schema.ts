/**
 * The PostgreSQL schema as an ordered list of steps, like SQLite's (`../migrations.ts`): a released step never
 * changes. It starts at the SQLite schema's latest shape, in PostgreSQL's types: times in milliseconds since the
 * epoch are BIGINT, bytes BYTEA, cached JSON TEXT (read back through the same schema checks as SQLite's).
 */
import type { Migration } from '../migrations';

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE key_verdicts (
        address TEXT PRIMARY KEY,
        assessment TEXT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX key_verdicts_expiry ON key_verdicts (expires_at);
      CREATE TABLE transport_reports (
        domain TEXT PRIMARY KEY,
        report TEXT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX transport_reports_expiry ON transport_reports (expires_at);
      CREATE TABLE sts_policies (
        domain TEXT PRIMARY KEY,
        entry TEXT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX sts_policies_expiry ON sts_policies (expires_at);
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
        revoked_at TEXT,
        owner_name TEXT,
        owner_address TEXT
      );
      CREATE TABLE settings (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE rate_counters (
        key TEXT PRIMARY KEY,
        count INTEGER NOT NULL,
        reset_at BIGINT NOT NULL
      );
      CREATE INDEX rate_counters_reset ON rate_counters (reset_at);

      CREATE TABLE escrow_messages (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        sender_name TEXT NOT NULL,
        sender_address TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('uploading', 'ready', 'revoked', 'expired')),
        sealed_server_secret BYTEA,
        wrapped_key BYTEA,
        passcode_wrapped_key BYTEA,
        sender_wrapped_key BYTEA,
        blob_count INTEGER NOT NULL,
        blob_sizes TEXT,
        passcode_salt BYTEA,
        passcode_check BYTEA,
        reply_public_key BYTEA NOT NULL,
        wrapped_reply_key BYTEA NOT NULL,
        sender_access_hash BYTEA NOT NULL
      );
      CREATE INDEX escrow_messages_owner ON escrow_messages (owner);
      CREATE INDEX escrow_messages_expiry ON escrow_messages (expires_at) WHERE sealed_server_secret IS NOT NULL;
      CREATE TABLE escrow_recipients (
        message_id TEXT NOT NULL REFERENCES escrow_messages (id),
        address TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('active', 'revoked')),
        proof TEXT NOT NULL CHECK (proof IN ('sign-in', 'passcode', 'code')),
        sign_in_provider TEXT,
        sign_in_label TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        passcode_failures INTEGER NOT NULL DEFAULT 0,
        retry_at BIGINT,
        verified_at BIGINT,
        PRIMARY KEY (message_id, address)
      );
      CREATE TABLE escrow_codes (
        message_id TEXT NOT NULL,
        address TEXT NOT NULL,
        hash BYTEA NOT NULL,
        expires_at BIGINT NOT NULL,
        tries INTEGER NOT NULL,
        PRIMARY KEY (message_id, address)
      );
      CREATE TABLE escrow_sessions (
        hash BYTEA PRIMARY KEY,
        message_id TEXT NOT NULL,
        address TEXT NOT NULL,
        csrf TEXT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE TABLE escrow_replies (
        id TEXT NOT NULL,
        message_id TEXT NOT NULL REFERENCES escrow_messages (id),
        address TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        ephemeral_public_key BYTEA NOT NULL,
        tag BYTEA,
        blob_count INTEGER NOT NULL,
        blob_sizes TEXT,
        PRIMARY KEY (message_id, id)
      );
      -- Ciphertext in pieces as uploaded (each at most escrow.maxPartBytes): a piece is one row, written by one
      -- statement, read back one at a time in order, and deleted with ordinary rows.
      CREATE TABLE escrow_blob_chunks (
        message_id TEXT NOT NULL,
        name TEXT NOT NULL,
        start BIGINT NOT NULL,
        bytes BYTEA NOT NULL,
        PRIMARY KEY (message_id, name, start)
      );
      CREATE TABLE escrow_audit (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message_id TEXT NOT NULL,
        at BIGINT NOT NULL,
        event TEXT NOT NULL,
        recipient TEXT,
        ip TEXT,
        user_agent TEXT
      );
      CREATE INDEX escrow_audit_message ON escrow_audit (message_id, recipient, event, at);
      -- Append-only: only the retention purge may blank the network details, nothing else changes or goes.
      CREATE FUNCTION escrow_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE'
          OR NEW.seq IS DISTINCT FROM OLD.seq OR NEW.message_id IS DISTINCT FROM OLD.message_id
          OR NEW.at IS DISTINCT FROM OLD.at OR NEW.event IS DISTINCT FROM OLD.event
          OR NEW.recipient IS DISTINCT FROM OLD.recipient
          OR (NEW.ip IS NOT NULL AND NEW.ip IS DISTINCT FROM OLD.ip)
          OR (NEW.user_agent IS NOT NULL AND NEW.user_agent IS DISTINCT FROM OLD.user_agent)
        THEN
          RAISE EXCEPTION 'the escrow audit log is append-only';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER escrow_audit_append_only BEFORE UPDATE OR DELETE ON escrow_audit
        FOR EACH ROW EXECUTE FUNCTION escrow_audit_append_only();
      CREATE TRIGGER escrow_audit_no_truncate BEFORE TRUNCATE ON escrow_audit
        FOR EACH STATEMENT EXECUTE FUNCTION escrow_audit_append_only();
    `,
  },
  {
    version: 2,
    // Rate counters are written on every limited request and worth nothing after a crash (a window lost only
    // starts afresh): not written to the WAL, and so not replicated either.
    sql: 'ALTER TABLE rate_counters SET UNLOGGED',
  },
  {
    // Decision records, as SQLite's step 7. Ids compare byte by byte ("C") whatever the database's collation:
    // they begin with the time in hexadecimal, so id order is time order.
    version: 3,
    sql: `
      CREATE TABLE decision_records (
        id TEXT COLLATE "C" PRIMARY KEY,
        at BIGINT NOT NULL,
        policy_version TEXT NOT NULL,
        host TEXT NOT NULL,
        sender TEXT NOT NULL,
        pseudonymous BOOLEAN NOT NULL,
        classification TEXT NOT NULL,
        action TEXT NOT NULL,
        outcome TEXT NOT NULL,
        passcode_set BOOLEAN NOT NULL
      );
      CREATE INDEX decision_records_at ON decision_records (at);
      CREATE TABLE decision_recipients (
        record_id TEXT COLLATE "C" NOT NULL REFERENCES decision_records (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        address TEXT NOT NULL,
        domain TEXT NOT NULL,
        internal BOOLEAN NOT NULL,
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
    // Policy versions, as SQLite's step 8.
    version: 4,
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
    // The admin console's tables and the audit log's admin, as SQLite's step 9; the audit log's trigger now
    // keeps the admin as it keeps the rest of an entry.
    version: 5,
    sql: `
      CREATE TABLE verdict_changes (
        domain TEXT PRIMARY KEY,
        from_verdict TEXT,
        to_verdict TEXT NOT NULL,
        changed_at BIGINT NOT NULL
      );
      CREATE TABLE changed_keys (
        address TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        pinned_fingerprint TEXT NOT NULL,
        source TEXT,
        reasons TEXT NOT NULL,
        seen_at BIGINT NOT NULL,
        decision TEXT CHECK (decision IN ('accepted', 'refused')),
        decided_by TEXT,
        decided_at BIGINT,
        PRIMARY KEY (address, fingerprint)
      );
      CREATE INDEX changed_keys_pending ON changed_keys (seen_at) WHERE decision IS NULL;
      CREATE INDEX escrow_messages_created ON escrow_messages (created_at);
      ALTER TABLE escrow_audit ADD COLUMN admin TEXT;
      CREATE OR REPLACE FUNCTION escrow_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE'
          OR NEW.seq IS DISTINCT FROM OLD.seq OR NEW.message_id IS DISTINCT FROM OLD.message_id
          OR NEW.at IS DISTINCT FROM OLD.at OR NEW.event IS DISTINCT FROM OLD.event
          OR NEW.recipient IS DISTINCT FROM OLD.recipient OR NEW.admin IS DISTINCT FROM OLD.admin
          OR (NEW.ip IS NOT NULL AND NEW.ip IS DISTINCT FROM OLD.ip)
          OR (NEW.user_agent IS NOT NULL AND NEW.user_agent IS DISTINCT FROM OLD.user_agent)
        THEN
          RAISE EXCEPTION 'the escrow audit log is append-only';
        END IF;
        RETURN NEW;
      END $$;
    `,
  },
  {
    // Mailbox-access reports, as SQLite's step 10.
    version: 6,
    sql: `
      CREATE TABLE mailbox_reports (
        domain TEXT PRIMARY KEY,
        report TEXT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX mailbox_reports_expiry ON mailbox_reports (expires_at);
    `,
  },
];
