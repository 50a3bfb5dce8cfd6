/**
 * The one escrow upload sequence both clients use (core/escrow/upload.ts): create, then every blob in parts with
 * contiguous offsets, then finalize with each blob's size — for the add-in's message and the portal's reply alike,
 * against the real escrow server. Also the portal client's own refusals, each with its stable code.
 */
import { randomBytes } from 'node:crypto';
import type { FetchLike } from '../../src/core/escrow/http';
import { parseFragment } from '../../src/core/escrow/link';
import { PickupClient, SenderClient } from '../../src/portal/pickup-client';
import { cookieFetch, escrowSample, recordingMailer, startEscrowServer, type EscrowServer } from './harness';

/** Larger than one part (1 MiB), so the blob goes up in several. */
const LARGE = randomBytes(2 * 1024 * 1024 + 77);

let server: EscrowServer;
let mailer: ReturnType<typeof recordingMailer>;

beforeEach(async () => {
  mailer = recordingMailer();
  server = await startEscrowServer({ mailer });
});
afterEach(() => server.close());

interface Call {
  method: string;
  path: string;
  bytes: number;
  json?: { blobSizes?: number[] };
}

/** `fetch` as given, with every request's method, path (from the escrow API on) and body size written down. */
function recording(fetch: FetchLike): { calls: Call[]; fetch: FetchLike } {
  const calls: Call[] = [];
  const recorded: FetchLike = (url, init) => {
    const { pathname, search } = new URL(url);
    const body = init.body;
    calls.push({
      method: init.method,
      path: `${pathname.replace(/^.*\/api\/v1\/escrow/, '')}${search}`,
      bytes: typeof body === 'string' ? body.length : (body?.length ?? 0),
      ...(typeof body === 'string' ? { json: JSON.parse(body) as Call['json'] } : {}),
    });
    return fetch(url, init);
  };
  return { calls, fetch: recorded };
}

/** The calls' shape: create first, finalize last, and in between each blob's parts at contiguous offsets. */
function expectCreatePartsFinalize(calls: Call[], collection: string): void {
  const [create, ...rest] = calls;
  const finalize = rest.pop()!;
  expect(create).toMatchObject({ method: 'POST', path: collection });
  const item = /^(.*)\/blobs\//.exec(rest[0]!.path)![1]!;
  expect(item.startsWith(`${collection}/`)).toBe(true);
  expect(finalize).toMatchObject({ method: 'POST', path: `${item}/finalize` });
  const sent: number[] = [];
  for (const part of rest) {
    const [, blob, offset] = /\/blobs\/(\d+)\?offset=(\d+)$/.exec(part.path)!.map(Number);
    expect(part).toMatchObject({ method: 'PUT', path: `${item}/blobs/${blob}?offset=${offset}` });
    expect(offset).toBe(sent[blob!] ?? 0);
    sent[blob!] = offset! + part.bytes;
  }
  expect(finalize.json?.blobSizes).toEqual(sent);
}

test('a message: created, its large attachment sent in several parts, finalized with the blob sizes', async () => {
  const { calls, fetch } = recording(globalThis.fetch.bind(globalThis) as unknown as FetchLike);
  const sent = await escrowSample(server, {
    fetch,
    message: {
      subject: 's',
      html: '<p>x</p>',
      text: 'x',
      attachments: [{ name: 'scan.pdf', type: 'application/pdf', data: LARGE }],
    },
  });
  expectCreatePartsFinalize(calls, '/messages');
  expect(calls.filter((c) => c.path.includes('/blobs/1?')).length).toBeGreaterThan(1);

  const client = new PickupClient(parseFragment(new URL(sent.pickupUrl).hash), {
    apiBase: server.apiBase,
    fetch: cookieFetch(),
  });
  await client.requestCode('bob@partner.test');
  await client.verify('bob@partner.test', mailer.codeFor('bob@partner.test'));
  await client.open();
  expect(Buffer.from(await (await client.attachment(0)).arrayBuffer()).equals(LARGE)).toBe(true);
});

test('a reply: the portal sends it through the same sequence, and the sender reads it back', async () => {
  const sent = await escrowSample(server);
  const { calls, fetch } = recording(cookieFetch());
  const client = new PickupClient(parseFragment(new URL(sent.pickupUrl).hash), {
    apiBase: server.apiBase,
    fetch,
  });
  await client.requestCode('bob@partner.test');
  await client.verify('bob@partner.test', mailer.codeFor('bob@partner.test'));
  await client.open();
  calls.length = 0;
  await client.reply('signed form attached', [{ name: 'form.pdf', type: 'application/pdf', data: LARGE }]);
  expectCreatePartsFinalize(calls, `/pickup/${sent.id}/replies`);

  const sender = new SenderClient(parseFragment(new URL(sent.senderUrl).hash), {
    apiBase: server.apiBase,
    fetch: cookieFetch(),
  });
  const [reply] = (await sender.read()).replies;
  if (!reply?.verified) throw new Error('the reply did not verify');
  expect(reply.text).toBe('signed form attached');
  expect(Buffer.from(await reply.attachments[0]!.blob.arrayBuffer()).equals(LARGE)).toBe(true);
});

test('the portal client refuses calls out of turn, each with its stable code', async () => {
  const sent = await escrowSample(server);
  const client = new PickupClient(parseFragment(new URL(sent.pickupUrl).hash), {
    apiBase: server.apiBase,
    fetch: cookieFetch(),
  });
  await expect(client.attachment(0)).rejects.toMatchObject({ code: 'PICKUP_NOT_OPENED' });
  await expect(client.reply('hi', [])).rejects.toMatchObject({ code: 'PICKUP_NOT_OPENED' });
  await client.requestCode('bob@partner.test');
  await client.verify('bob@partner.test', mailer.codeFor('bob@partner.test'));
  await client.open();
  await expect(client.attachment(0)).rejects.toMatchObject({
    code: 'PICKUP_NO_SUCH_ATTACHMENT',
    message: 'no such attachment',
  });
});

test('an open answer counting other blobs than the manifest lists is refused as a format error', async () => {
  const sent = await escrowSample(server);
  const withJar = cookieFetch();
  const extraBlob: FetchLike = async (url, init) => {
    const response = await withJar(url, init);
    if (!url.endsWith('/open')) return response;
    const answer = (await response.json()) as { blobSizes: number[] };
    return {
      ...response,
      ok: true,
      json: async () => ({ ...answer, blobSizes: [...answer.blobSizes, 100] }),
    };
  };
  const client = new PickupClient(parseFragment(new URL(sent.pickupUrl).hash), {
    apiBase: server.apiBase,
    fetch: extraBlob,
  });
  await client.requestCode('bob@partner.test');
  await client.verify('bob@partner.test', mailer.codeFor('bob@partner.test'));
  await expect(client.open()).rejects.toMatchObject({
    code: 'ESCROW_FORMAT_INVALID',
    message: 'the message and its attachments do not match',
  });
});
