/**
 * Secure messages for the admin, as deployed (API tokens): messages sent through the sender routes by two senders
 * with the real client (`escrowMessage`), then listed, revoked and given a new expiry by the admin through
 * `/api/v1/admin/messages`, whose handlers are the senders' own. The audit log names the admin; the senders see
 * what the admin did to their messages.
 */
import type { AuditLog, MessageSummary } from '../../../src/core/escrow/wire';
import { escrowSample, pickupByCode } from '../../escrow/harness';
import { as, startAdminApp, type AdminApp } from './admin-app';

let admin: AdminApp;

beforeEach(async () => {
  admin = await startAdminApp({ listen: true });
});

const MINUTE = 60_000;

/** A message from the sender of `token` to bob and carol, sent a minute after the one before. */
async function send(token: string) {
  admin.clock.advance(MINUTE);
  const recipients = ['bob@partner.test', 'carol@partner.test'].map((address) => ({
    address,
    proof: 'code' as const,
  }));
  return escrowSample({ url: admin.url, token }, { recipients });
}

async function get<T>(path: string, token: string): Promise<{ status: number; body: T }> {
  const response = await admin.app.inject({ url: `/api/v1${path}`, headers: as(token) });
  return { status: response.statusCode, body: response.json() as T };
}

async function post(path: string, token: string, payload?: object) {
  const response = await admin.app.inject({
    method: 'POST',
    url: `/api/v1${path}`,
    headers: as(token),
    ...(payload ? { payload } : {}),
  });
  return { status: response.statusCode, body: response.body };
}

type AdminList = { messages: Array<MessageSummary & { owner: string }>; next?: string };

test("the admin lists every sender's messages, newest first, with whose they are, a page at a time", async () => {
  const { ann, olga, admin: ops } = admin.tokens;
  const first = await send(ann);
  const second = await send(olga);
  const third = await send(ann);

  const { status, body } = await get<AdminList>('/admin/messages', ops);
  expect(status).toBe(200);
  expect(body.messages.map((m) => [m.id, m.owner])).toEqual([
    [third.id, 'Ann Lee <ann@clinic.test>'],
    [second.id, 'Olga Other <olga@clinic.test>'],
    [first.id, 'Ann Lee <ann@clinic.test>'],
  ]);
  // Each entry is the summary its sender gets, with its owner added.
  const own = await get<MessageSummary>(`/escrow/messages/${second.id}`, olga);
  expect(body.messages[1]).toEqual({ ...own.body, owner: 'Olga Other <olga@clinic.test>' });

  const page = await get<AdminList>('/admin/messages?limit=2', ops);
  expect(page.body.messages.map((m) => m.id)).toEqual([third.id, second.id]);
  expect(page.body.next).toEqual(expect.any(String));
  const next = await get<AdminList>(
    `/admin/messages?limit=2&before=${encodeURIComponent(page.body.next!)}`,
    ops,
  );
  expect(next.body.messages.map((m) => m.id)).toEqual([first.id]);
  // The last page says there is none after it; a cursor not made by the service is refused.
  expect(next.body.next).toBeUndefined();
  const isoTime = encodeURIComponent(page.body.messages[1]!.createdAt);
  expect((await get(`/admin/messages?before=${isoTime}`, ops)).status).toBe(400);

  // A sender's own list is still theirs alone.
  const anns = await get<{ messages: MessageSummary[] }>('/escrow/messages', ann);
  expect(anns.body.messages.map((m) => m.id)).toEqual([third.id, first.id]);
  expect((await get('/admin/messages?limit=0', ops)).status).toBe(400);
  expect((await get('/admin/messages?limit=501', ops)).status).toBe(400);
});

test("the admin revokes a sender's message: its keys are gone, its recipient cannot open it, the audit names the admin", async () => {
  const { olga, admin: ops } = admin.tokens;
  const sent = await send(olga);
  const bob = await pickupByCode(
    { apiBase: `${admin.url}/api/v1/escrow` },
    admin.mailer,
    sent,
    'bob@partner.test',
  );
  admin.clock.advance(MINUTE);

  expect((await post(`/admin/messages/${sent.id}/revoke`, ops)).status).toBe(204);

  expect((await get<MessageSummary>(`/escrow/messages/${sent.id}`, olga)).body.state).toBe('revoked');
  expect((await admin.store.escrow.getMessage(sent.id))!.sealedServerSecret).toBeNull();
  await expect(bob.open()).rejects.toThrow();
  const audit = (await get<AuditLog>(`/admin/messages/${sent.id}/audit`, ops)).body.entries;
  expect(audit.at(-1)).toMatchObject({
    event: 'revoked',
    admin: 'ops@clinic.test',
    at: new Date(admin.clock.now()).toISOString(),
  });
  // What the sender and the recipient did is not put on the admin.
  expect(audit.filter((entry) => entry.admin !== undefined)).toHaveLength(1);
  expect(audit[0]).toMatchObject({ event: 'created' });
  // The sender reads the same log through their own route.
  expect((await get<AuditLog>(`/escrow/messages/${sent.id}/audit`, olga)).body.entries).toEqual(audit);
});

test("the admin revokes one recipient and changes a message's expiry, within the senders' own limits", async () => {
  const { ann, admin: ops } = admin.tokens;
  const sent = await send(ann);
  const recipients = { address: 'Carol@Partner.test' };
  expect((await post(`/admin/messages/${sent.id}/recipients/revoke`, ops, recipients)).status).toBe(204);
  const expiresAt = new Date(admin.clock.now() + 2 * 86_400_000).toISOString();
  expect((await post(`/admin/messages/${sent.id}/expiry`, ops, { expiresAt })).status).toBe(204);

  const summary = (await get<MessageSummary>(`/escrow/messages/${sent.id}`, ann)).body;
  expect(summary.expiresAt).toBe(expiresAt);
  expect(summary.recipients).toEqual([
    { address: 'bob@partner.test', proof: 'code', state: 'active' },
    { address: 'carol@partner.test', proof: 'code', state: 'revoked' },
  ]);
  const audit = (await get<AuditLog>(`/admin/messages/${sent.id}/audit`, ops)).body.entries;
  expect(audit.slice(-2)).toEqual([
    expect.objectContaining({ event: 'revoked', recipient: 'carol@partner.test', admin: 'ops@clinic.test' }),
    expect.objectContaining({ event: 'expiry-changed', admin: 'ops@clinic.test' }),
  ]);

  // The same refusals as the sender's: past the longest expiry, and a recipient the message does not have.
  const tooLate = new Date(admin.clock.now() + 91 * 86_400_000).toISOString();
  const refused = await post(`/admin/messages/${sent.id}/expiry`, ops, { expiresAt: tooLate });
  expect(refused.status).toBe(400);
  expect(refused.body).toContain('at most 90 days after sending');
  const stranger = await post(`/admin/messages/${sent.id}/recipients/revoke`, ops, { address: 'eve@x.test' });
  expect(stranger.status).toBe(404);
});

test("a sender still reaches only their own messages; the admin's unknown id is not found", async () => {
  const { ann, olga, admin: ops } = admin.tokens;
  const sent = await send(ann);
  expect((await post(`/escrow/messages/${sent.id}/revoke`, olga)).status).toBe(404);
  expect((await get(`/escrow/messages/${sent.id}/audit`, olga)).status).toBe(404);
  expect((await get<MessageSummary>(`/escrow/messages/${sent.id}`, ann)).body.state).toBe('ready');
  expect((await post('/admin/messages/AAAAAAAAAAAAAAAAAAAAAA/revoke', ops)).status).toBe(404);
});
