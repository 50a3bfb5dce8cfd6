/**
 * EscrowStore over the SQL that SQLite and PostgreSQL both speak: one set of statements and one row mapping for
 * both databases. A database gives the ways to run a statement of `store/sql-runner.ts`, with `?` placeholders
 * (the PostgreSQL side numbers them), and a transaction of statements (`EscrowSql`). Every counter changes in one statement, never by writing back a record read
 * earlier; what must happen together (a message and its recipients; a shred) runs as one transaction of
 * statements, with nothing read in between.
 */
import type { Row, SqlRunner } from '../store/sql-runner';
import type {
  AuditRecord,
  CodeRecord,
  EscrowStore,
  FinalKeys,
  MessagePosition,
  MessageRecord,
  NewRecipient,
  RecipientRecord,
  ReplyRecord,
  SessionRecord,
  TryCounter,
} from './store';

/** One statement and its parameters. */
export type Statement = readonly [sql: string, params: readonly unknown[]];

export interface EscrowSql extends SqlRunner {
  /** Runs the statements in one transaction: all of them or none. */
  atomically(statements: readonly Statement[]): Promise<void>;
  /** After a shred committed: whatever the database can do so that no old copy of the row lingers. */
  afterShred(): Promise<void>;
}

/** Column names from a closed set, never from input: the only text spliced into SQL here. */
const TRY_COLUMNS: Record<TryCounter, string> = {
  failures: 'failures',
  passcodeFailures: 'passcode_failures',
};

const bytes = (value: unknown): Uint8Array | null => (value == null ? null : new Uint8Array(value as Buffer));
const buf = (value: Uint8Array | null): Buffer | null => (value ? Buffer.from(value) : null);
const sizes = (value: unknown): number[] | null =>
  value == null ? null : (JSON.parse(value as string) as number[]);
/** PostgreSQL's BIGINT and COUNT come back as text unless the pool parses them; SQLite's as numbers. */
const int = (value: unknown): number => Number(value);
const intOrNull = (value: unknown): number | null => (value == null ? null : Number(value));
/** Code-unit order, the same in both databases (PostgreSQL's ORDER BY follows the database's collation). */
const byAddress = (a: { address: string }, b: { address: string }) =>
  a.address < b.address ? -1 : a.address > b.address ? 1 : 0;

function toMessage(r: Row): MessageRecord {
  return {
    id: r.id as string,
    owner: r.owner as string,
    senderName: r.sender_name as string,
    senderAddress: r.sender_address as string,
    createdAt: int(r.created_at),
    expiresAt: int(r.expires_at),
    state: r.state as MessageRecord['state'],
    sealedServerSecret: bytes(r.sealed_server_secret),
    wrappedKey: bytes(r.wrapped_key),
    passcodeWrappedKey: bytes(r.passcode_wrapped_key),
    senderWrappedKey: bytes(r.sender_wrapped_key),
    blobCount: int(r.blob_count),
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
    failures: int(r.failures),
    passcodeFailures: int(r.passcode_failures),
    retryAt: intOrNull(r.retry_at),
    verifiedAt: intOrNull(r.verified_at),
  };
}

function toReply(r: Row): ReplyRecord {
  return {
    id: r.id as string,
    messageId: r.message_id as string,
    address: r.address as string,
    createdAt: int(r.created_at),
    ephemeralPublicKey: bytes(r.ephemeral_public_key)!,
    tag: bytes(r.tag),
    blobCount: int(r.blob_count),
    blobSizes: sizes(r.blob_sizes),
  };
}

function toAudit(r: Row): AuditRecord {
  return {
    messageId: r.message_id as string,
    at: int(r.at),
    event: r.event as AuditRecord['event'],
    ...(r.recipient ? { recipient: r.recipient as string } : {}),
    ...(r.admin ? { admin: r.admin as string } : {}),
    ...(r.ip ? { ip: r.ip as string } : {}),
    ...(r.user_agent ? { userAgent: r.user_agent as string } : {}),
  };
}

class SqlEscrowStore implements EscrowStore {
  constructor(private readonly db: EscrowSql) {}

  async insertMessage(m: MessageRecord, recipients: NewRecipient[]): Promise<void> {
    await this.db.atomically([
      [
        `INSERT INTO escrow_messages (id, owner, sender_name, sender_address, created_at, expires_at, state,
           sealed_server_secret, wrapped_key, blob_count, blob_sizes, passcode_salt, passcode_check,
           reply_public_key, wrapped_reply_key, sender_access_hash, passcode_wrapped_key, sender_wrapped_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
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
        ],
      ],
      ...recipients.map((r): Statement => [
        `INSERT INTO escrow_recipients (message_id, address, state, proof, sign_in_provider, sign_in_label)
           VALUES (?, ?, 'active', ?, ?, ?) ON CONFLICT DO NOTHING`,
        [m.id, r.address, r.proof, r.signIn?.provider ?? null, r.signIn?.label ?? null],
      ]),
    ]);
  }

  async getMessage(id: string): Promise<MessageRecord | undefined> {
    const row = await this.db.one('SELECT * FROM escrow_messages WHERE id = ?', [id]);
    return row && toMessage(row);
  }

  async listMessages(owner: string): Promise<MessageRecord[]> {
    const rows = await this.db.all('SELECT * FROM escrow_messages WHERE owner = ? ORDER BY created_at DESC', [
      owner,
    ]);
    return rows.map(toMessage);
  }

  async listAllMessages(limit: number, before?: MessagePosition): Promise<MessageRecord[]> {
    if (before === undefined) {
      const rows = await this.db.all(
        `SELECT * FROM escrow_messages ORDER BY created_at DESC, id DESC LIMIT ?`,
        [limit],
      );
      return rows.map(toMessage);
    }
    // After the last message of the page before in the same order: on the pair, so messages made in the same
    // millisecond as it are neither skipped nor listed twice.
    const rows = await this.db.all(
      `SELECT * FROM escrow_messages WHERE created_at < ? OR (created_at = ? AND id < ?)
       ORDER BY created_at DESC, id DESC LIMIT ?`,
      [before.createdAt, before.createdAt, before.id, limit],
    );
    return rows.map(toMessage);
  }

  async hasMessages(): Promise<boolean> {
    return (await this.db.one('SELECT 1 AS any FROM escrow_messages LIMIT 1', [])) !== undefined;
  }

  async finalize(id: string, keys: FinalKeys, blobSizes: number[]): Promise<boolean> {
    const changed = await this.db.run(
      `UPDATE escrow_messages SET wrapped_key = ?, passcode_wrapped_key = ?, sender_wrapped_key = ?, blob_sizes = ?,
         state = 'ready' WHERE id = ? AND state = 'uploading'`,
      [
        buf(keys.wrappedKey),
        buf(keys.passcodeWrappedKey),
        buf(keys.senderWrappedKey),
        JSON.stringify(blobSizes),
        id,
      ],
    );
    return changed > 0;
  }

  async setExpiry(id: string, expiresAt: number): Promise<void> {
    await this.db.run('UPDATE escrow_messages SET expires_at = ? WHERE id = ?', [expiresAt, id]);
  }

  async shred(id: string, state: 'revoked' | 'expired'): Promise<void> {
    await this.db.atomically([
      [
        `UPDATE escrow_messages SET sealed_server_secret = NULL, wrapped_key = NULL, passcode_wrapped_key = NULL,
           sender_wrapped_key = NULL, passcode_check = NULL, wrapped_reply_key = ?, state = ? WHERE id = ?`,
        [Buffer.alloc(0), state, id],
      ],
      ['DELETE FROM escrow_codes WHERE message_id = ?', [id]],
      ['DELETE FROM escrow_sessions WHERE message_id = ?', [id]],
    ]);
    await this.db.afterShred();
  }

  async expiredIds(now: number): Promise<string[]> {
    const rows = await this.db.all(
      'SELECT id FROM escrow_messages WHERE expires_at <= ? AND sealed_server_secret IS NOT NULL',
      [now],
    );
    return rows.map((r) => r.id as string);
  }

  async recipients(messageId: string): Promise<RecipientRecord[]> {
    const rows = await this.db.all('SELECT * FROM escrow_recipients WHERE message_id = ?', [messageId]);
    return rows.map(toRecipient).sort(byAddress);
  }

  async getRecipient(messageId: string, address: string): Promise<RecipientRecord | undefined> {
    const row = await this.db.one('SELECT * FROM escrow_recipients WHERE message_id = ? AND address = ?', [
      messageId,
      address,
    ]);
    return row && toRecipient(row);
  }

  async revokeRecipient(messageId: string, address: string): Promise<boolean> {
    const changed = await this.db.run(
      `UPDATE escrow_recipients SET state = 'revoked' WHERE message_id = ? AND address = ?`,
      [messageId, address],
    );
    return changed > 0;
  }

  async addWrongTry(messageId: string, address: string, counter: TryCounter): Promise<number> {
    const column = TRY_COLUMNS[counter];
    const row = await this.db.one(
      `UPDATE escrow_recipients SET ${column} = ${column} + 1 WHERE message_id = ? AND address = ?
       RETURNING ${column} AS wrong`,
      [messageId, address],
    );
    return row ? int(row.wrong) : 0;
  }

  async delayTries(messageId: string, address: string, retryAt: number): Promise<void> {
    // A pending wait that ends later stays (no wait at all is NULL, and NULL > x is not true).
    await this.db.run(
      `UPDATE escrow_recipients SET retry_at = CASE WHEN retry_at > ? THEN retry_at ELSE ? END
       WHERE message_id = ? AND address = ?`,
      [retryAt, retryAt, messageId, address],
    );
  }

  async resetTries(
    messageId: string,
    address: string,
    counter: TryCounter,
    verifiedAt?: number,
  ): Promise<void> {
    await this.db.run(
      `UPDATE escrow_recipients SET ${TRY_COLUMNS[counter]} = 0, verified_at = COALESCE(?, verified_at)
       WHERE message_id = ? AND address = ?`,
      [verifiedAt ?? null, messageId, address],
    );
  }

  async putCode(c: CodeRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO escrow_codes (message_id, address, hash, expires_at, tries) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (message_id, address)
       DO UPDATE SET hash = excluded.hash, expires_at = excluded.expires_at, tries = excluded.tries`,
      [c.messageId, c.address, buf(c.hash), c.expiresAt, c.tries],
    );
  }

  async claimCodeTry(
    messageId: string,
    address: string,
    now: number,
    maxTries: number,
  ): Promise<CodeRecord | undefined> {
    const r = await this.db.one(
      `UPDATE escrow_codes SET tries = tries + 1
       WHERE message_id = ? AND address = ? AND expires_at > ? AND tries < ? RETURNING *`,
      [messageId, address, now, maxTries],
    );
    return (
      r && {
        messageId,
        address,
        hash: bytes(r.hash)!,
        expiresAt: int(r.expires_at),
        tries: int(r.tries),
      }
    );
  }

  async deleteCode(messageId: string, address: string): Promise<void> {
    await this.db.run('DELETE FROM escrow_codes WHERE message_id = ? AND address = ?', [messageId, address]);
  }

  async insertSession(s: SessionRecord): Promise<void> {
    await this.db.run(
      'INSERT INTO escrow_sessions (hash, message_id, address, csrf, expires_at) VALUES (?, ?, ?, ?, ?)',
      [buf(s.hash), s.messageId, s.address, s.csrf, s.expiresAt],
    );
  }

  async getSession(hash: Uint8Array): Promise<SessionRecord | undefined> {
    const r = await this.db.one('SELECT * FROM escrow_sessions WHERE hash = ?', [buf(hash)]);
    return (
      r && {
        hash,
        messageId: r.message_id as string,
        address: r.address as string,
        csrf: r.csrf as string,
        expiresAt: int(r.expires_at),
      }
    );
  }

  async insertReply(r: ReplyRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO escrow_replies (id, message_id, address, created_at, ephemeral_public_key, blob_count, blob_sizes, tag)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        r.id,
        r.messageId,
        r.address,
        r.createdAt,
        buf(r.ephemeralPublicKey),
        r.blobCount,
        r.blobSizes && JSON.stringify(r.blobSizes),
        buf(r.tag),
      ],
    );
  }

  async getReply(messageId: string, id: string): Promise<ReplyRecord | undefined> {
    const row = await this.db.one('SELECT * FROM escrow_replies WHERE message_id = ? AND id = ?', [
      messageId,
      id,
    ]);
    return row && toReply(row);
  }

  async finalizeReply(messageId: string, id: string, blobSizes: number[]): Promise<boolean> {
    const changed = await this.db.run(
      'UPDATE escrow_replies SET blob_sizes = ? WHERE message_id = ? AND id = ? AND blob_sizes IS NULL',
      [JSON.stringify(blobSizes), messageId, id],
    );
    return changed > 0;
  }

  async listReplies(messageId: string): Promise<ReplyRecord[]> {
    const rows = await this.db.all('SELECT * FROM escrow_replies WHERE message_id = ? ORDER BY created_at', [
      messageId,
    ]);
    return rows.map(toReply);
  }

  async appendAudit(e: AuditRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO escrow_audit (message_id, at, event, recipient, admin, ip, user_agent)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [e.messageId, e.at, e.event, e.recipient ?? null, e.admin ?? null, e.ip ?? null, e.userAgent ?? null],
    );
  }

  async audit(messageId: string): Promise<AuditRecord[]> {
    const rows = await this.db.all('SELECT * FROM escrow_audit WHERE message_id = ? ORDER BY seq', [
      messageId,
    ]);
    return rows.map(toAudit);
  }

  async countAudit(messageId: string, recipient: string, event: string, since: number): Promise<number> {
    const row = await this.db.one(
      'SELECT COUNT(*) AS n FROM escrow_audit WHERE message_id = ? AND recipient = ? AND event = ? AND at >= ?',
      [messageId, recipient, event, since],
    );
    return int(row?.n);
  }

  async firstEvents(messageId: string, event: string): Promise<Map<string, number>> {
    const rows = await this.db.all(
      `SELECT recipient, MIN(at) AS first FROM escrow_audit
       WHERE message_id = ? AND event = ? AND recipient IS NOT NULL GROUP BY recipient`,
      [messageId, event],
    );
    return new Map(rows.map((r) => [r.recipient as string, int(r.first)]));
  }

  async forgetNetworkDetails(before: number): Promise<number> {
    return this.db.run(
      'UPDATE escrow_audit SET ip = NULL, user_agent = NULL WHERE at < ? AND (ip IS NOT NULL OR user_agent IS NOT NULL)',
      [before],
    );
  }
}

/** The escrow tables of a database migrated already, reached through `db`. */
export function sqlEscrowStore(db: EscrowSql): EscrowStore {
  return new SqlEscrowStore(db);
}
