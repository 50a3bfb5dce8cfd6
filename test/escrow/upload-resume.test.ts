/**
 * Resumable uploads (core/escrow/upload.ts, retrying-fetch.ts) against a fake escrow service that holds blobs the
 * way the real one does — an append lands only at the blob's exact size, else 409 ESCROW_OFFSET_MISMATCH with
 * `uploadedBytes` — and loses requests as a dying node behind a balancer does: before the part landed, after it
 * landed (the answer lost), half-way through, as a balancer's 502/503/504, or with no answer until the time-out.
 * Time passes by hand: back-off waits run at once and are written down; a time-out fires when a request hangs.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { FetchAnswer, FetchLike } from '../../src/core/escrow/http';
import type { RetryPolicy } from '../../src/core/escrow/retrying-fetch';
import type { EncryptedStream } from '../../src/core/escrow/stream-cipher';
import { createAndUpload } from '../../src/core/escrow/upload';

const PART = 1024 * 1024;
const CHUNK = 64 * 1024;
const API = 'https://sendguard.test/api/v1/escrow/messages';

/** What the fake service does with one request. */
type Fault =
  | 'pass'
  /** The connection drops before the request reaches a node. */
  | 'lost-before'
  /** The node stores it, then dies before answering. */
  | 'lost-after'
  /** The node stores the first half of the body, then dies. */
  | 'half-then-lost'
  /** The node never answers; the client's time-out ends it. */
  | 'hang'
  | 502
  | 503
  | 504;

interface Sent {
  method: string;
  path: string;
  bytes: number;
}

/** The fake service's answer: status and JSON body. */
function answer(status: number, body?: unknown): FetchAnswer {
  return {
    ok: status >= 200 && status < 300,
    status,
    json: async () => body,
    blob: async () => new Blob([]),
  };
}

/**
 * One message's create, blob appends and finalize, as the escrow service keeps them; `faults` says, per request
 * in order (create is request 0), what goes wrong with it.
 */
class FakeService {
  readonly blobs: Buffer[] = [];
  readonly sent: Sent[] = [];
  finalized: unknown;
  faults: Fault[] = [];
  /** Time-outs the client has set and not yet cancelled: a hanging request fires them. */
  readonly timeouts = new Set<() => void>();
  /** Every wait the client asked for, time-outs included. */
  readonly waits: number[] = [];

  readonly policy: RetryPolicy = {
    attempts: 4,
    firstWaitMs: 100,
    timeoutMs: 30_000,
    after: (ms, task) => {
      this.waits.push(ms);
      if (ms !== this.policy.timeoutMs) {
        queueMicrotask(task);
        return () => undefined;
      }
      this.timeouts.add(task);
      return () => void this.timeouts.delete(task);
    },
  };

  readonly fetch: FetchLike = async (url, init) => {
    const { pathname, search } = new URL(url);
    const path = `${pathname.slice(new URL(API).pathname.length)}${search}`;
    const body = init.body ?? new Uint8Array();
    this.sent.push({ method: init.method, path, bytes: body.length });
    const fault = this.faults[this.sent.length - 1] ?? 'pass';
    if (fault === 'lost-before') throw new TypeError('fetch failed');
    if (typeof fault === 'number') return answer(fault, '<html>Bad Gateway</html>');
    if (fault === 'hang') return this.hang(init.signal);
    const half =
      fault === 'half-then-lost' && typeof body !== 'string' ? body.subarray(0, body.length >> 1) : body;
    const result = this.handle(init.method, path, half);
    if (fault === 'pass') return result;
    throw new TypeError('fetch failed: other side closed');
  };

  private hang(signal: AbortSignal | undefined): Promise<FetchAnswer> {
    return new Promise((_, reject) => {
      signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      setImmediate(() => [...this.timeouts].forEach((fire) => fire()));
    });
  }

  private handle(method: string, path: string, body: Uint8Array | string): FetchAnswer {
    if (method === 'POST' && path === '') return answer(201, { id: 'm1' });
    const part = /^\/m1\/blobs\/(\d+)\?offset=(\d+)$/.exec(path);
    if (method === 'PUT' && part && typeof body !== 'string') {
      const n = Number(part[1]);
      const blob = (this.blobs[n] ??= Buffer.alloc(0));
      if (Number(part[2]) !== blob.length)
        return answer(409, {
          error: { code: 'ESCROW_OFFSET_MISMATCH', message: 'wrong offset', uploadedBytes: blob.length },
        });
      this.blobs[n] = Buffer.concat([blob, body]);
      return answer(204);
    }
    if (method === 'POST' && path === '/m1/finalize' && typeof body === 'string') {
      if (this.finalized !== undefined && JSON.stringify(this.finalized) !== body) return answer(409);
      this.finalized = JSON.parse(body);
      return answer(204);
    }
    return answer(404, { error: { code: 'NOT_FOUND', message: 'no such route' } });
  }
}

/** `size` random bytes as a stream of 64 KiB chunks (what a real cipher stream yields). */
function stream(size: number): { stream: EncryptedStream; bytes: Buffer } {
  const bytes = randomBytes(size);
  async function* chunks() {
    for (let i = 0; i < size; i += CHUNK) yield Uint8Array.from(bytes.subarray(i, i + CHUNK));
  }
  return { stream: { salt: new Uint8Array(16), size, chunks: chunks() }, bytes };
}

/** Uploads a manifest of 1000 bytes and an attachment of 2.5 parts: 5 requests, then finalize. */
async function upload(service: FakeService) {
  const manifest = stream(1000);
  const attachment = stream(2.5 * PART);
  await createAndUpload({
    fetch: service.fetch,
    headers: {},
    collectionUrl: API,
    create: { body: {}, answer: z.object({ id: z.string() }), idOf: (created) => created.id },
    streams: [manifest.stream, attachment.stream],
    finalizeFields: async () => ({ wrappedKey: 'W' }),
    retry: service.policy,
  });
  return [manifest.bytes, attachment.bytes];
}

/** The service holds exactly the streams' bytes (compared as buffers: jest's deep equality is slow on MiBs). */
function expectStored(service: FakeService, expected: Buffer[]): void {
  expect(service.blobs.map((blob, n) => blob.equals(expected[n]!))).toEqual([true, true]);
}

/** Request paths in order, with the size of each part. */
const paths = (service: FakeService) => service.sent.map((s) => `${s.method} ${s.path} ${s.bytes}`);

/** Create, the manifest, then the attachment's three parts: the requests in the order a clean run sends them. */
const PART_1 = 'PUT /m1/blobs/1?offset=0';
const PART_2 = `PUT /m1/blobs/1?offset=${PART}`;

test('a part lost before it reached a node is sent again to the same URL, and the upload completes', async () => {
  const service = new FakeService();
  service.faults = ['pass', 'pass', 'pass', 'lost-before'];
  const expected = await upload(service);
  expectStored(service, expected);
  expect(paths(service).slice(3, 5)).toEqual([`${PART_2} ${PART}`, `${PART_2} ${PART}`]);
  expect(service.finalized).toEqual({ wrappedKey: 'W', blobSizes: [1000, 2.5 * PART] });
});

test('a part that landed but whose answer was lost: the retry is refused for its offset and the upload goes on after it', async () => {
  const service = new FakeService();
  service.faults = ['pass', 'pass', 'lost-after'];
  const expected = await upload(service);
  expectStored(service, expected);
  expect(paths(service)).toEqual([
    'POST  2',
    'PUT /m1/blobs/0?offset=0 1000',
    `${PART_1} ${PART}`,
    `${PART_1} ${PART}`,
    `${PART_2} ${PART}`,
    `PUT /m1/blobs/1?offset=${2 * PART} ${PART / 2}`,
    expect.stringMatching(/^POST \/m1\/finalize \d+$/),
  ]);
});

test('a part that landed half-way: the rest of it goes from where the server says the blob stands', async () => {
  const service = new FakeService();
  service.faults = ['pass', 'pass', 'pass', 'half-then-lost'];
  const expected = await upload(service);
  expectStored(service, expected);
  expect(paths(service).slice(3, 7)).toEqual([
    `${PART_2} ${PART}`,
    `${PART_2} ${PART}`,
    `PUT /m1/blobs/1?offset=${PART + PART / 2} ${PART / 2}`,
    `PUT /m1/blobs/1?offset=${2 * PART} ${PART / 2}`,
  ]);
});

test("a balancer's 502, 503 and 504 are tried again after waits that double", async () => {
  const service = new FakeService();
  service.faults = ['pass', 502, 503, 504, 'pass'];
  const expected = await upload(service);
  expectStored(service, expected);
  expect(service.waits.filter((ms) => ms !== service.policy.timeoutMs)).toEqual([100, 200, 400]);
});

test('a part without an answer is abandoned at the time-out (its request aborted) and sent again', async () => {
  const service = new FakeService();
  service.faults = ['pass', 'pass', 'hang'];
  const aborted: boolean[] = [];
  const fetch = service.fetch;
  const watching: FetchLike = (url, init) => {
    const result = fetch(url, init);
    result.catch(() => aborted.push(init.signal?.aborted ?? false));
    return result;
  };
  Object.assign(service, { fetch: watching });
  const expected = await upload(service);
  expectStored(service, expected);
  expect(aborted).toEqual([true]);
  expect(paths(service).slice(2, 4)).toEqual([`${PART_1} ${PART}`, `${PART_1} ${PART}`]);
  expect(service.timeouts.size).toBe(0);
});

test('a part lost on every try fails after the bounded number of tries, saying the service could not be reached', async () => {
  const service = new FakeService();
  service.faults = ['pass', 'pass', ...Array<Fault>(10).fill('lost-before')];
  await expect(upload(service)).rejects.toMatchObject({ code: 'ESCROW_UNREACHABLE', status: 0 });
  expect(paths(service).filter((p) => p.startsWith(PART_1))).toHaveLength(service.policy.attempts);
  expect(paths(service).some((p) => p.includes('finalize'))).toBe(false);
});

test('a balancer that keeps answering 503 fails the upload with that status after the bounded tries', async () => {
  const service = new FakeService();
  service.faults = ['pass', ...Array<Fault>(10).fill(503)];
  await expect(upload(service)).rejects.toMatchObject({ code: 'ESCROW_UPLOAD_FAILED', status: 503 });
  expect(service.sent).toHaveLength(1 + service.policy.attempts);
});

test.each([
  ['behind the part (bytes this upload acknowledged are missing)', PART - 10],
  ['beyond the part (bytes this upload never sent)', 2 * PART + 1],
])('a blob standing %s is not continued: the upload fails with a clear error', async (_, stands) => {
  const service = new FakeService();
  service.faults = ['pass', 'pass', 'pass', 'lost-after'];
  const handle = service.fetch;
  const lying: FetchLike = async (url, init) => {
    const result = await handle(url, init);
    if (result.status !== 409) return result;
    return answer(409, {
      error: { code: 'ESCROW_OFFSET_MISMATCH', message: 'wrong offset', uploadedBytes: stands },
    });
  };
  Object.assign(service, { fetch: lying });
  await expect(upload(service)).rejects.toMatchObject({
    code: 'ESCROW_UPLOAD_DIVERGED',
    message: `the server holds ${stands} bytes of this file where this upload is at byte ${PART}; send the message again`,
  });
  expect(paths(service).some((p) => p.includes('finalize'))).toBe(false);
});

test('a mismatch without the blob size (an older server) fails rather than guess', async () => {
  const service = new FakeService();
  service.faults = ['pass', 'pass', 'lost-after'];
  const handle = service.fetch;
  const older: FetchLike = async (url, init) => {
    const result = await handle(url, init);
    return result.status === 409
      ? answer(409, { error: { code: 'ESCROW_OFFSET_MISMATCH', message: 'wrong offset' } })
      : result;
  };
  Object.assign(service, { fetch: older });
  await expect(upload(service)).rejects.toMatchObject({ code: 'ESCROW_UPLOAD_DIVERGED', status: 409 });
});

test('create is sent once: a create whose answer was lost may have made a message, and is not repeated', async () => {
  const service = new FakeService();
  service.faults = ['lost-after'];
  await expect(upload(service)).rejects.toThrow('other side closed');
  expect(paths(service)).toEqual(['POST  2']);
});

test('a finalize whose answer was lost is sent again with the same body, and the service answers it as done', async () => {
  const service = new FakeService();
  service.faults = ['pass', 'pass', 'pass', 'pass', 'pass', 'lost-after'];
  const expected = await upload(service);
  expectStored(service, expected);
  const finalizes = service.sent.filter((s) => s.path === '/m1/finalize');
  expect(finalizes).toHaveLength(2);
  expect(finalizes[0]!.bytes).toBe(finalizes[1]!.bytes);
});
