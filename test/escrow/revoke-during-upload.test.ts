/**
 * Revoking a message while a reply to it is uploading leaves no ciphertext behind: a part already past its checks
 * when the revocation deleted the blobs must not write them back. The blob store here holds one write at the
 * moment the race needs, so the test does not depend on timing.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, toBase64Url } from '../../src/core/escrow/bytes';
import type { BlobStore } from '../../src/server/escrow/blobs';
import { escrowSample, recordingMailer, startEscrowServer, type EscrowServer } from './harness';

let server: EscrowServer;
afterEach(() => server.close());

/** The real blob store, except that while `hold` is set, the next append waits until the test lets it go. */
function holdingBlobs() {
  let hold: { reached: () => void; release: Promise<void> } | undefined;
  const wrap = (blobs: BlobStore): BlobStore => ({
    ...blobs,
    async append(messageId, name, offset, bytes) {
      const held = hold;
      hold = undefined;
      if (held) {
        held.reached();
        await held.release;
      }
      return blobs.append(messageId, name, offset, bytes);
    },
  });
  /** Holds the next append; resolves `reached` once a request is waiting in it. */
  const holdNext = () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const reached = new Promise<void>((resolve) => (hold = { reached: resolve, release: released }));
    return { reached, release };
  };
  return { wrap, holdNext };
}

test('a reply part that lands after the revocation is removed again; the late finalize is refused', async () => {
  const blobs = holdingBlobs();
  const mailer = recordingMailer();
  server = await startEscrowServer({ mailer, wrapBlobs: blobs.wrap });
  const sent = await escrowSample(server);
  const blobDir = join(server.dataDir, 'escrow-blobs');

  /** A request from the recipient's page: JSON, or a part's bytes. */
  const call = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
    const bytes = body instanceof Uint8Array;
    return fetch(`${server.apiBase}/pickup/${sent.id}${path}`, {
      method,
      headers: {
        'x-sendguard-portal': '1',
        'content-type': bytes ? 'application/octet-stream' : 'application/json',
        ...headers,
      },
      body: bytes ? new Blob([body as Uint8Array<ArrayBuffer>]) : JSON.stringify(body),
    });
  };
  await call('POST', '/code', { address: 'bob@partner.test' });
  const verified = await call('POST', '/verify', {
    address: 'bob@partner.test',
    code: mailer.codeFor('bob@partner.test'),
  });
  const session = {
    cookie: verified.headers.get('set-cookie')!.split(';')[0]!,
    'x-sendguard-csrf': ((await verified.json()) as { csrf: string }).csrf,
  };
  const created = await call(
    'POST',
    '/replies',
    { ephemeralPublicKey: toBase64Url(randomBytes(65)), tag: toBase64Url(randomBytes(32)), blobCount: 1 },
    session,
  );
  const { replyId } = (await created.json()) as { replyId: string };
  const part = (offset: number) =>
    call('PUT', `/replies/${replyId}/blobs/0?offset=${offset}`, randomBytes(100), session);
  expect((await part(0)).status).toBe(204);

  // The second part is past every check and about to write when the sender revokes the message.
  const held = blobs.holdNext();
  const late = part(100);
  await held.reached;
  const revoked = await fetch(`${server.apiBase}/messages/${sent.id}/revoke`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}` },
  });
  expect(revoked.status).toBe(204);
  expect(readdirSync(blobDir)).toEqual([]);
  held.release();
  expect((await late).status).toBe(410);

  const finalize = await call('POST', `/replies/${replyId}/finalize`, { blobSizes: [200] }, session);
  expect(finalize.status).toBeGreaterThanOrEqual(400);
  expect(existsSync(join(blobDir, sent.id))).toBe(false);
  expect(readdirSync(blobDir)).toEqual([]);
});
