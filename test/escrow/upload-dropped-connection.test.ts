/**
 * Resumable uploads against the real escrow service (SQLite, the harness's server) through a proxy in the test
 * that drops the connection at a chosen request, as a node that dies mid-upload does: half-way through a part
 * (nothing lands), or after the service stored the part or the finalize but before its answer got back. Every
 * upload completes through the add-in's and the portal's own code, and the message and reply open whole.
 */
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseFragment } from '../../src/core/escrow/link';
import { SenderClient } from '../../src/portal/pickup-client';
import { stopAtFileEnd } from '../helpers/scratch';
import {
  cookieFetch,
  escrowSample,
  pickupByCode,
  recordingMailer,
  startEscrowServer,
  type EscrowServer,
} from './harness';

/** Two and a half upload parts (1 MiB each). */
const LARGE = randomBytes(2.5 * 1024 * 1024);
const PART = 1024 * 1024;

/** Where the proxy drops the connection: after half the request body, or once the service has answered. */
type Drop = 'half-request' | 'answer';

interface Passed {
  method: string;
  path: string;
  /** The service's status; undefined where the request never reached it whole. */
  status?: number;
  /** The request's body, when it is text. */
  sent: string;
  body: string;
}

interface DroppingProxy {
  url: string;
  /** Drops the connection of the first request whose method and path (from `/api/v1/escrow` on) match. */
  dropOnce(method: string, path: RegExp, drop: Drop): void;
  passed: Passed[];
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** An HTTP proxy to `target` on 127.0.0.1 that passes every request on, except the one it is told to drop. */
async function startDroppingProxy(target: string): Promise<DroppingProxy> {
  let armed: { method: string; path: RegExp; drop: Drop } | undefined;
  const passed: Passed[] = [];
  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    const path = (req.url ?? '').replace(/^\/api\/v1\/escrow/, '');
    const drop = armed && armed.method === req.method && armed.path.test(path) ? armed.drop : undefined;
    if (drop) armed = undefined;
    const entry: Passed = {
      method: req.method ?? '',
      path,
      sent: path.endsWith('/finalize') ? body.toString() : '',
      body: '',
    };
    passed.push(entry);
    const upstream = httpRequest(`${target}${req.url}`, { method: req.method, headers: req.headers });
    if (drop === 'half-request') {
      upstream.on('error', () => undefined);
      upstream.write(body.subarray(0, body.length >> 1), () => {
        upstream.destroy();
        req.socket.destroy();
      });
      return;
    }
    upstream.on('error', () => req.socket.destroy());
    upstream.end(body);
    upstream.on('response', async (answer) => {
      const answered = await readAll(answer);
      entry.status = answer.statusCode;
      entry.body = answered.toString();
      if (drop === 'answer') return void req.socket.destroy();
      res.writeHead(answer.statusCode ?? 502, answer.headers).end(answered);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stopAtFileEnd(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropOnce: (method, path, drop) => void (armed = { method, path, drop }),
    passed,
  };
}

let server: EscrowServer;
let mailer: ReturnType<typeof recordingMailer>;
let proxy: DroppingProxy;

beforeAll(async () => {
  mailer = recordingMailer();
  server = await startEscrowServer({ mailer });
  proxy = await startDroppingProxy(server.url);
});

beforeEach(() => void (proxy.passed.length = 0));

/** A message to Bob with the large attachment, escrowed through the proxy with the add-in's own code. */
function escrowLarge() {
  return escrowSample(
    { url: proxy.url, token: server.token },
    {
      message: {
        subject: 'scan',
        html: '<p>x</p>',
        text: 'x',
        attachments: [{ name: 'scan.pdf', type: 'application/pdf', data: LARGE }],
      },
    },
  );
}

/** Bob opens the message on the service directly and gets the attachment whole. */
async function expectOpensWhole(pickupUrl: string): Promise<void> {
  const client = await pickupByCode(server, mailer, { pickupUrl }, 'bob@partner.test');
  await client.open();
  expect(Buffer.from(await (await client.attachment(0)).arrayBuffer()).equals(LARGE)).toBe(true);
}

/** The offsets blob 1's parts went to, in the order they were sent, with the service's answers. */
const attachmentParts = () =>
  proxy.passed
    .filter((p) => p.method === 'PUT' && p.path.includes('/blobs/1?'))
    .map((p) => ({ offset: Number(p.path.split('offset=')[1]), status: p.status, body: p.body }));

test('a part cut off half-way lands nothing; it is sent again at the same offset and the message opens whole', async () => {
  proxy.dropOnce('PUT', /\/blobs\/1\?offset=[1-9]/, 'half-request');
  const sent = await escrowLarge();
  const [first, cut, again, last] = attachmentParts();
  expect([first?.status, cut?.status, again?.status, last?.status]).toEqual([204, undefined, 204, 204]);
  expect(again?.offset).toBe(cut?.offset);
  await expectOpensWhole(sent.pickupUrl);
});

test('a part stored but its answer lost: the retry is told where the blob stands, and the upload goes on from there', async () => {
  proxy.dropOnce('PUT', /\/blobs\/1\?offset=0$/, 'answer');
  const sent = await escrowLarge();
  const parts = attachmentParts();
  expect(parts.map((p) => p.status)).toEqual([204, 409, 204, 204]);
  const [stored, refused, next] = parts;
  expect([stored?.offset, refused?.offset]).toEqual([0, 0]);
  expect(JSON.parse(refused!.body)).toEqual({
    error: {
      code: 'ESCROW_OFFSET_MISMATCH',
      message: `this part does not start where the upload stands (byte ${next!.offset})`,
      uploadedBytes: next!.offset,
    },
  });
  expect(next!.offset).toBeGreaterThan(0.9 * PART);
  await expectOpensWhole(sent.pickupUrl);
});

test('a finalize stored but its answer lost: the same finalize again is answered as done; a different one is refused', async () => {
  proxy.dropOnce('POST', /\/finalize$/, 'answer');
  const sent = await escrowLarge();
  const finalizes = proxy.passed.filter((p) => p.path.endsWith('/finalize'));
  expect(finalizes.map((f) => f.status)).toEqual([204, 204]);
  await expectOpensWhole(sent.pickupUrl);

  const other = await fetch(`${server.apiBase}/messages/${sent.id}/finalize`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      ...(JSON.parse(finalizes[0]!.sent) as object),
      senderWrappedKey: randomBytes(60).toString('base64url'),
    }),
  });
  expect(await other.json()).toMatchObject({ error: { code: 'ESCROW_STATE' } });
  expect(other.status).toBe(409);
});

test("a reply's finalize stored but its answer lost: the portal's retry is answered as done, and the sender is told once", async () => {
  const sent = await escrowSample(server);
  const bob = await pickupByCode({ apiBase: `${proxy.url}/api/v1/escrow` }, mailer, sent, 'bob@partner.test');
  await bob.open();
  proxy.dropOnce('POST', /\/replies\/[^/]+\/finalize$/, 'answer');
  const told = mailer.sent.length;
  await bob.reply('signed form attached', [{ name: 'form.pdf', type: 'application/pdf', data: LARGE }]);
  const finalizes = proxy.passed.filter((p) => /\/replies\/[^/]+\/finalize$/.test(p.path));
  // Both finalize handlers have ended (the proxy saw both answers), and a finalize hands its notice to the mailer
  // before it answers, which records it at once: every notice of this reply is counted by now.
  expect(finalizes.map((f) => f.status)).toEqual([204, 204]);
  expect(mailer.sent.slice(told).filter((m) => m.subject.startsWith('Secure reply'))).toHaveLength(1);

  const sender = new SenderClient(parseFragment(new URL(sent.senderUrl).hash), {
    apiBase: server.apiBase,
    fetch: cookieFetch(),
  });
  const [reply] = (await sender.read()).replies;
  if (!reply?.verified) throw new Error('the reply did not verify');
  expect(Buffer.from(await reply.attachments[0]!.blob.arrayBuffer()).equals(LARGE)).toBe(true);
});
