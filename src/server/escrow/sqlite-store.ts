/**
 * EscrowStore in SQLite, on the service store's one connection (`store/sqlite.ts`); its tables come from the one
 * migration list (`store/migrations.ts`). `secure_delete` (set where the connection opens) overwrites freed
 * pages, and a WAL checkpoint after each shred leaves no old copy of a destroyed secret in the log.
 */
import type Database from 'better-sqlite3';
import type {
  AuditRecord,
  CodeRecord,
  EscrowStore,
  FinalKeys,
  MessageRecord,
  NewRecipient,
  RecipientRecord,
  ReplyRecord,
  SessionRecord,
  TryCounter,
} from './store';

/** Column names from a closed set, never from input: the only text spliced into SQL here. */
const TRY_COLUMNS: Record<TryCounter, string> = {
  failures: 'failures',
  passcodeFailures: 'passcode_failures',
};

const bytes = (value: unknown): Uint8Array | null => (value == null ? null : new Uint8Array(value as Buffer));
const buf = (value: Uint8Array | null): Buffer | null => (value ? Buffer.from(value) : null);
const sizes = (value: unknown): number[] | null =>
  value == null ? null : (JSON.parse(value as string) as number[]);

type Row = Record<string, unknown>;

function toMessage(r: Row): MessageRecord {
  return {
    id: r.id as string,
    owner: r.owner as string,
    senderName: r.sender_name as string,
    senderAddress: r.sender_address as string,
    createdAt: r.created_at as number,
    expiresAt: r.expires_at as number,
    state: r.state as MessageRecord['state'],
    sealedServerSecret: bytes(r.sealed_server_secret),
    wrappedKey: bytes(r.wrapped_key),
    passcodeWrappedKey: bytes(r.passcode_wrapped_key),
    senderWrappedKey: bytes(r.sender_wrapped_key),
    blobCount: r.blob_count as number,
    blobSizes: sizes(r.blob_sizes),
    passcodeSalt: bytes(r.passcode_salt),
    passcodeCheck: bytes(r.passcode_check),
    replyPublicKey: bytes(r.reply_public_key)!,
    wrappedReplyKey: bytes(r.wrapped_reply_key)!,
    senderAccessHash: bytes(r.sender_access_hash)!,
  };
}

function toRecipient(r: Row): RecipientRecord {
  return {
    messageId: r.message_id as string,
    address: r.address as string,
    proof: r.proof as RecipientRecord['proof'],
    signIn:
      r.sign_in_provider == null
        ? null
        : { provider: r.sign_in_provider as string, label: r.sign_in_label as string },
    state: r.state as RecipientRecord['state'],
    failures: r.failures as number,
    passcodeFailures: r.passcode_failures as number,
    retryAt: (r.retry_at as number | null) ?? null,
    verifiedAt: (r.verified_at as number | null) ?? null,
  };
}

function toReply(r: Row): ReplyRecord {
  return {
    id: r.id as string,
    messageId: r.message_id as string,
    address: r.address as string,
    createdAt: r.created_at as number,
    ephemeralPublicKey: bytes(r.ephemeral_public_key)!,
    tag: bytes(r.tag),
    blobCount: r.blob_count as number,
    blobSizes: sizes(r.blob_sizes),
  };
}

function toAudit(r: Row): AuditRecord {
  return {
    messageId: r.message_id as string,
    at: r.at as number,
    event: r.event as AuditRecord['event'],
    ...(r.recipient ? { recipient: r.recipient as string } : {}),
    ...(r.ip ? { ip: r.ip as string } : {}),
    ...(r.user_agent ? { userAgent: r.user_agent as string } : {}),
  };
}

class SqliteEscrowStore implements EscrowStore {
  constructor(private readonly db: Database.Database) {}

  private all(sql: string, ...params: unknown[]): Row[] {
    return this.db.prepare(sql).all(...params) as Row[];
  }
  private one(sql: string, ...params: unknown[]): Row | undefined {
    return this.db.prepare(sql).get(...params) as Row | undefined;
  }
  private run(sql: string, ...params: unknown[]): number {
    return this.db.prepare(sql).run(...params).changes;
  }

  async insertMessage(m: MessageRecord, recipients: NewRecipient[]): Promise<void> {
    this.db.transaction(() => {
      this.run(
        `INSERT INTO escrow_messages (id, owner, sender_name, sender_address, created_at, expires_at, state,
           sealed_server_secret, wrapped_key, blob_count, blob_sizes, passcode_salt, passcode_check,
           reply_public_key, wrapped_reply_key, sender_access_hash, passcode_wrapped_key, sender_wrapped_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        m.id,
        m.owner,
        m.senderName,
        m.senderAddress,
        m.createdAt,
        m.expiresAt,
        m.state,
        buf(m.sealedServerSecret),
        buf(m.wrappedKey),
        m.blobCount,
        m.blobSizes && JSON.stringify(m.blobSizes),
        buf(m.passcodeSalt),
        buf(m.passcodeCheck),
        buf(m.replyPublicKey),
        buf(m.wrappedReplyKey),
        buf(m.senderAccessHash),
        buf(m.passcodeWrappedKey),
        buf(m.senderWrappedKey),
      );
      for (const r of recipients)
        this.run(
          `INSERT OR IGNORE INTO escrow_recipients (message_id, address, state, proof, sign_in_provider, sign_in_label)
           VALUES (?, ?, 'active', ?, ?, ?)`,
          m.id,
          r.address,
          r.proof,
          r.signIn?.provider ?? null,
          r.signIn?.label ?? null,
        );
    })();
  }

  async getMessage(id: string): Promise<MessageRecord | undefined> {
    const row = this.one('SELECT * FROM escrow_messages WHERE id = ?', id);
    return row && toMessage(row);
  }

  async listMessages(owner: string): Promise<MessageRecord[]> {
    return this.all('SELECT * FROM escrow_messages WHERE owner = ? ORDER BY created_at DESC', owner).map(
      toMessage,
    );
  }

  async finalize(id: string, keys: FinalKeys, blobSizes: number[]): Promise<void> {
    this.run(
      `UPDATE escrow_messages SET wrapped_key = ?, passcode_wrapped_key = ?, sender_wrapped_key = ?, blob_sizes = ?,
         state = 'ready' WHERE id = ? AND state = 'uploading'`,
      buf(keys.wrappedKey),
      buf(keys.passcodeWrappedKey),
      buf(keys.senderWrappedKey),
      JSON.stringify(blobSizes),
      id,
    );
  }

  async setExpiry(id: string, expiresAt: number): Promise<void> {
    this.run('UPDATE escrow_messages SET expires_at = ? WHERE id = ?', expiresAt, id);
  }

  async shred(id: string, state: 'revoked' | 'expired'): Promise<void> {
    this.db.transaction(() => {
      this.run(
        `UPDATE escrow_messages SET sealed_server_secret = NULL, wrapped_key = NULL, passcode_wrapped_key = NULL,
           sender_wrapped_key = NULL, passcode_check = NULL, wrapped_reply_key = X'', state = ? WHERE id = ?`,
        state,
        id,
      );
      this.run('DELETE FROM escrow_codes WHERE message_id = ?', id);
      this.run('DELETE FROM escrow_sessions WHERE message_id = ?', id);
    })();
    // Pages with the old values may sit in the WAL until a checkpoint copies the new ones over them.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async expiredIds(now: number): Promise<string[]> {
    return this.all(
      'SELECT id FROM escrow_messages WHERE expires_at <= ? AND sealed_server_secret IS NOT NULL',
      now,
    ).map((r) => r.id as string);
  }

  async recipients(messageId: string): Promise<RecipientRecord[]> {
    return this.all('SELECT * FROM escrow_recipients WHERE message_id = ? ORDER BY address', messageId).map(
      toRecipient,
    );
  }

  async getRecipient(messageId: string, address: string): Promise<RecipientRecord | undefined> {
    const row = this.one(
      'SELECT * FROM escrow_recipients WHERE message_id = ? AND address = ?',
      messageId,
      address,
    );
    return row && toRecipient(row);
  }

  async revokeRecipient(messageId: string, address: string): Promise<boolean> {
    return (
      this.run(
        `UPDATE escrow_recipients SET state = 'revoked' WHERE message_id = ? AND address = ?`,
        messageId,
        address,
      ) > 0
    );
  }

  async addWrongTry(messageId: string, address: string, counter: TryCounter): Promise<number> {
    const column = TRY_COLUMNS[counter];
    const row = this.one(
      `UPDATE escrow_recipients SET ${column} = ${column} + 1 WHERE message_id = ? AND address = ?
       RETURNING ${column} AS wrong`,
      messageId,
      address,
    );
    return (row?.wrong as number | undefined) ?? 0;
  }

  async delayTries(messageId: string, address: string, retryAt: number): Promise<void> {
    this.run(
      `UPDATE escrow_recipients SET retry_at = MAX(COALESCE(retry_at, 0), ?) WHERE message_id = ? AND address = ?`,
      retryAt,
      messageId,
      address,
    );
  }

  async resetTries(
    messageId: string,
    address: string,
    counter: TryCounter,
    verifiedAt?: number,
  ): Promise<void> {
    this.run(
      `UPDATE escrow_recipients SET ${TRY_COLUMNS[counter]} = 0, verified_at = COALESCE(?, verified_at)
       WHERE message_id = ? AND address = ?`,
      verifiedAt ?? null,
      messageId,
      address,
    );
  }

  async putCode(c: CodeRecord): Promise<void> {
    this.run(
      `INSERT INTO escrow_codes VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id, address)
       DO UPDATE SET hash = excluded.hash, expires_at = excluded.expires_at, tries = excluded.tries`,
      c.messageId,
      c.address,
      buf(c.hash),
      c.expiresAt,
      c.tries,
    );
  }

  async claimCodeTry(
    messageId: string,
    address: string,
    now: number,
    maxTries: number,
  ): Promise<CodeRecord | undefined> {
    const r = this.one(
      `UPDATE escrow_codes SET tries = tries + 1
       WHERE message_id = ? AND address = ? AND expires_at > ? AND tries < ? RETURNING *`,
      messageId,
      address,
      now,
      maxTries,
    );
    return (
      r && {
        messageId,
        address,
        hash: bytes(r.hash)!,
        expiresAt: r.expires_at as number,
        tries: r.tries as number,
      }
    );
  }

  async deleteCode(messageId: string, address: string): Promise<void> {
    this.run('DELETE FROM escrow_codes WHERE message_id = ? AND address = ?', messageId, address);
  }

  async insertSession(s: SessionRecord): Promise<void> {
    this.run(
      'INSERT INTO escrow_sessions VALUES (?, ?, ?, ?, ?)',
      buf(s.hash),
      s.messageId,
      s.address,
      s.csrf,
      s.expiresAt,
    );
  }

  async getSession(hash: Uint8Array): Promise<SessionRecord | undefined> {
    const r = this.one('SELECT * FROM escrow_sessions WHERE hash = ?', buf(hash));
    return (
      r && {
        hash,
        messageId: r.message_id as string,
        address: r.address as string,
        csrf: r.csrf as string,
        expiresAt: r.expires_at as number,
      }
    );
  }

  async insertReply(r: ReplyRecord): Promise<void> {
    this.run(
      `INSERT INTO escrow_replies (id, message_id, address, created_at, ephemeral_public_key, blob_count, blob_sizes, tag)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      r.id,
      r.messageId,
      r.address,
      r.createdAt,
      buf(r.ephemeralPublicKey),
      r.blobCount,
      r.blobSizes && JSON.stringify(r.blobSizes),
      buf(r.tag),
    );
  }

  async getReply(messageId: string, id: string): Promise<ReplyRecord | undefined> {
    const row = this.one('SELECT * FROM escrow_replies WHERE message_id = ? AND id = ?', messageId, id);
    return row && toReply(row);
  }

  async finalizeReply(messageId: string, id: string, blobSizes: number[]): Promise<void> {
    this.run(
      'UPDATE escrow_replies SET blob_sizes = ? WHERE message_id = ? AND id = ?',
      JSON.stringify(blobSizes),
      messageId,
      id,
    );
  }

  async listReplies(messageId: string): Promise<ReplyRecord[]> {
    return this.all('SELECT * FROM escrow_replies WHERE message_id = ? ORDER BY created_at', messageId).map(
      toReply,
    );
  }

  async appendAudit(e: AuditRecord): Promise<void> {
    this.run(
      'INSERT INTO escrow_audit (message_id, at, event, recipient, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?)',
      e.messageId,
      e.at,
      e.event,
      e.recipient ?? null,
      e.ip ?? null,
      e.userAgent ?? null,
    );
  }

  async audit(messageId: string): Promise<AuditRecord[]> {
    return this.all('SELECT * FROM escrow_audit WHERE message_id = ? ORDER BY seq', messageId).map(toAudit);
  }

  async countAudit(messageId: string, recipient: string, event: string, since: number): Promise<number> {
    const row = this.one(
      'SELECT COUNT(*) AS n FROM escrow_audit WHERE message_id = ? AND recipient = ? AND event = ? AND at >= ?',
      messageId,
      recipient,
      event,
      since,
    );
    return row?.n as number;
  }

  async firstEvents(messageId: string, event: string): Promise<Map<string, number>> {
    const rows = this.all(
      `SELECT recipient, MIN(at) AS first FROM escrow_audit
       WHERE message_id = ? AND event = ? AND recipient IS NOT NULL GROUP BY recipient`,
      messageId,
      event,
    );
    return new Map(rows.map((r) => [r.recipient as string, r.first as number]));
  }

  async forgetNetworkDetails(before: number): Promise<number> {
    return this.run(
      'UPDATE escrow_audit SET ip = NULL, user_agent = NULL WHERE at < ? AND (ip IS NOT NULL OR user_agent IS NOT NULL)',
      before,
    );
  }
}

/** The escrow tables of the service's database; `db` is migrated already (`openSqliteStore`). */
export function sqliteEscrowStore(db: Database.Database): EscrowStore {
  return new SqliteEscrowStore(db);
}
