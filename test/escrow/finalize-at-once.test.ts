/**
 * A finalize sent again while the first is still running (the client retries after its own time-out, the proxy gave
 * up earlier, the first request still works on a node): both are past their checks before either stores anything.
 * The store here holds the finalizes until both have arrived, so the test does not depend on timing; then exactly
 * one stores, audits and mails, and the other is answered by what was stored.
 */
import { randomBytes } from 'node:crypto';
import type { FetchLike } from '../../src/core/escrow/http';
import type { EscrowStore } from '../../src/server/escrow/store';
import {
  cookieFetch,
  escrowSample,
  nodeFetch,
  pickupByCode,
  recordingMailer,
  startEscrowServer,
  type EscrowServer,
} from './harness';

type Finalizing = 'finalize' | 'finalizeReply';

/**
 * The real store, except that calls of `name` wait until two have arrived (both requests past their checks), then
 * run one after the other in the order they came, as a database runs two updates of one row.
 */
function meetingFinalizes(name: Finalizing) {
  let real: EscrowStore | undefined;
  const arrived: Array<() => Promise<void>> = [];
  const wrap = (store: EscrowStore): EscrowStore => {
    real = store;
    const method = store[name].bind(store) as (...args: unknown[]) => Promise<boolean>;
    const met = (...args: unknown[]) =>
      new Promise<boolean>((resolve, reject) => {
        arrived.push(() => method(...args).then(resolve, reject));
        if (arrived.length === 2)
          void arrived.splice(0).reduce((done, run) => done.then(run), Promise.resolve());
      });
    return new Proxy(store, {
      get(target, key, receiver) {
        if (key === name) return met;
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  return { wrap, store: () => real! };
}

/** `fetch`, except that a finalize goes out twice at once, the second as `again` makes it; the answers are kept. */
function finalizingTwice(fetch: FetchLike, again: (body: string) => string = (body) => body) {
  const answers: Array<{ status: number; body: string }> = [];
  const twice: FetchLike = async (url, init) => {
    if (!url.endsWith('/finalize')) return fetch(url, init);
    const bodies = [init.body as string, again(init.body as string)];
    const [first, second] = await Promise.all(bodies.map((body) => fetch(url, { ...init, body })));
    answers.push({ status: first!.status, body: bodies[0]! }, { status: second!.status, body: bodies[1]! });
    return first!.ok ? first! : second!;
  };
  return { fetch: twice, answers };
}

let server: EscrowServer;
afterEach(() => server.close());

test('two finalizes of one reply at once: both answered as done, one audit entry, one mail to the sender', async () => {
  const mailer = recordingMailer();
  const meeting = meetingFinalizes('finalizeReply');
  server = await startEscrowServer({ mailer, wrapStore: meeting.wrap });
  const sent = await escrowSample(server);
  const { fetch, answers } = finalizingTwice(cookieFetch());
  const bob = await pickupByCode(server, mailer, sent, 'bob@partner.test', fetch);
  await bob.open();

  // Both requests have been answered, so both handlers ran to their end: whatever they mail was sent by now.
  await bob.reply('signed form attached', []);
  expect(answers.map((a) => a.status)).toEqual([204, 204]);
  expect(mailer.sent.filter((m) => m.subject === 'Secure reply from bob@partner.test')).toHaveLength(1);
  const audit = await fetch(`${server.apiBase}/messages/${sent.id}/audit`, {
    method: 'GET',
    headers: { authorization: `Bearer ${server.token}` },
  });
  const { entries } = (await audit.json()) as { entries: Array<{ event: string }> };
  expect(entries.filter((e) => e.event === 'replied')).toHaveLength(1);
  expect((await meeting.store().listReplies(sent.id)).map((r) => r.blobSizes !== null)).toEqual([true]);
});

test('two different finalizes of one message at once: one is stored and answered as done, the other refused', async () => {
  const meeting = meetingFinalizes('finalize');
  server = await startEscrowServer({ mailer: recordingMailer(), wrapStore: meeting.wrap });
  const { fetch, answers } = finalizingTwice(nodeFetch, (body) =>
    JSON.stringify({
      ...(JSON.parse(body) as object),
      senderWrappedKey: randomBytes(60).toString('base64url'),
    }),
  );
  const sent = await escrowSample(server, { fetch });

  expect(answers.map((a) => a.status).sort()).toEqual([204, 409]);
  const stored = await meeting.store().getMessage(sent.id);
  const done = JSON.parse(answers.find((a) => a.status === 204)!.body) as { senderWrappedKey: string };
  expect(Buffer.from(stored!.senderWrappedKey!).toString('base64url')).toBe(done.senderWrappedKey);
});

test('the same finalize of one message twice at once: both answered as done', async () => {
  const meeting = meetingFinalizes('finalize');
  server = await startEscrowServer({ mailer: recordingMailer(), wrapStore: meeting.wrap });
  const { fetch, answers } = finalizingTwice(nodeFetch);
  const sent = await escrowSample(server, { fetch });

  expect(answers.map((a) => a.status)).toEqual([204, 204]);
  expect((await meeting.store().getMessage(sent.id))?.state).toBe('ready');
});
