/**
 * Secure pickup with its state in PostgreSQL, through the real service: an attachment of several upload parts
 * (one chunk row each) comes back byte for byte, and a dump of the database — what a backup holds — has no
 * plaintext and no secret that opens the message. The server key is what closes the sealed secret in it, which
 * is why the key file must not be backed up beside the dump.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { openPostgresStore } from '../../src/server/store/postgres/open';
import { startPostgres } from '../helpers/postgres';
import { escrowSample, pickupByCode, recordingMailer, startEscrowServer } from './harness';

const execFile = promisify(execFileCallback);

const SECRET_BODY = 'Diagnosis for patient 4711: confidential-plaintext-marker';
/** More than two upload parts of 1 MiB. */
const ATTACHMENT = randomBytes(2 * 1024 * 1024 + 12_345);

/** How many chunk rows each of the message's blobs has. */
async function chunksPerBlob(
  url: string,
  messageId: string,
): Promise<Array<{ name: string; chunks: number }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; chunks: string }>(
      'SELECT name, COUNT(*) AS chunks FROM escrow_blob_chunks WHERE message_id = $1 GROUP BY name',
      [messageId],
    );
    return rows.map((r) => ({ name: r.name, chunks: Number(r.chunks) }));
  } finally {
    await client.end();
  }
}

test('on PostgreSQL an attachment of several parts comes back whole, and a dump holds no plaintext and no key', async () => {
  const postgres = await startPostgres();
  const store = await openPostgresStore(postgres.url);
  const mailer = recordingMailer();
  const server = await startEscrowServer({ mailer, store });
  const secretsMade: Uint8Array[] = [];
  try {
    const sent = await escrowSample(server, {
      message: {
        subject: 'Lab results',
        html: `<p>${SECRET_BODY}</p>`,
        text: SECRET_BODY,
        attachments: [{ name: 'results.pdf', type: 'application/pdf', data: new Blob([ATTACHMENT]) }],
      },
      random: (n) => {
        const bytes = new Uint8Array(randomBytes(n));
        secretsMade.push(bytes);
        return bytes;
      },
    });
    const client = await pickupByCode(server, mailer, sent, 'bob@partner.test');
    expect((await client.open()).manifest.subject).toBe('Lab results');
    expect(Buffer.from(await (await client.attachment(0)).arrayBuffer()).equals(ATTACHMENT)).toBe(true);
    await client.reply('reply-plaintext-marker', []);
    expect(await chunksPerBlob(postgres.url, sent.id)).toContainEqual(expect.objectContaining({ chunks: 3 }));

    const { stdout: dump } = await execFile('pg_dump', ['--data-only', '--dbname', postgres.url], {
      maxBuffer: 64 * 1024 * 1024,
    });
    // bytea is dumped as hex; text as it is.
    expect(dump).toContain('COPY public.escrow_blob_chunks');
    for (const needle of [SECRET_BODY, 'reply-plaintext-marker', 'Lab results', 'results.pdf'])
      for (const form of [needle, Buffer.from(needle).toString('hex')]) expect(dump).not.toContain(form);
    expect(dump).not.toContain(ATTACHMENT.subarray(1000, 1064).toString('hex'));
    // Content key, link secret, sender secret: raw, as they appear in links, and as bytea.
    expect(secretsMade.length).toBeGreaterThanOrEqual(3);
    for (const secret of secretsMade.map((s) => Buffer.from(s)))
      for (const form of [secret.toString('latin1'), secret.toString('base64url'), secret.toString('hex')])
        expect(dump).not.toContain(form);
  } finally {
    await server.close();
    await store.close();
  }
});
