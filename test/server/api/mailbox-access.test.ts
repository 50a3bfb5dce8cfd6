/**
 * Mailbox access and the reply path in the API, against fake services and with authentication on as deployed:
 * `POST /api/v1/assess` gives each external recipient's domain its mailbox access beside the transport, within the
 * same deadline, and with `sender` how replies reach the sender; `GET /api/v1/domains/:domain` adds the mailbox
 * access with its evidence.
 */
import { defaultPolicy } from '../../helpers/policy';
import type { Policy } from '../../../src/core/policy/schema';
import { deployedTestApp, FakeMailbox, gate } from './fakes';

async function mailboxApp(mailbox: FakeMailbox | undefined, assessDeadlineMs = 1000, policy?: Policy) {
  const built = await deployedTestApp({
    config: { limits: { assessDeadlineMs } },
    deps: { ...(mailbox && { mailbox }), ...(policy && { policy }) },
  });
  const assess = async (payload: Record<string, unknown>) => {
    const response = await built.app.inject({
      method: 'POST',
      url: '/api/v1/assess',
      headers: { authorization: built.authorization },
      payload,
    });
    expect(response.statusCode).toBe(200);
    return response.json();
  };
  return { ...built, assess };
}

const TLS_ONLY = {
  verdict: 'tls-only',
  reasons: ['imap.partner.example:993 requires TLS'],
  checkedAt: '2025-01-01T00:00:00.000Z',
};

describe('POST /api/v1/assess: mailbox access', () => {
  test('each external domain is checked once; its mailbox access rides on the transport, without evidence', async () => {
    const mailbox = new FakeMailbox({ 'other.example': 'tls-offered' });
    const { assess } = await mailboxApp(mailbox);
    const body = await assess({
      recipients: ['ann@partner.example', 'bob@partner.example', 'cy@other.example', 'clerk@example.gov'],
      mailboxAccess: true,
    });
    expect(mailbox.calls.sort()).toEqual(['other.example', 'partner.example']);
    expect(body.partial).toBe(false);
    expect(body.recipients[0].transport.mailboxAccess).toEqual(TLS_ONLY);
    expect(body.recipients[1].transport.mailboxAccess).toEqual(TLS_ONLY);
    expect(body.recipients[2].transport.mailboxAccess).toEqual({
      verdict: 'tls-offered',
      reasons: ['imap.other.example:143 accepts a password before STARTTLS'],
      checkedAt: '2025-01-01T00:00:00.000Z',
    });
    // Internal mail never leaves the organisation: nothing to check.
    expect(body.recipients[3].transport).toBeUndefined();
  });

  test('a service without the check gives no mailbox access at all', async () => {
    const { assess } = await mailboxApp(undefined);
    const body = await assess({ recipients: ['ann@partner.example'] });
    expect(body.recipients[0].transport.verdict).toBe('encrypted');
    expect(body.recipients[0].transport).not.toHaveProperty('mailboxAccess');
  });

  test('past the deadline it is "still being checked" and the answer partial; the check finishes into memory', async () => {
    const mailbox = new FakeMailbox();
    const { assess } = await mailboxApp(mailbox, 50);
    const slow = gate();
    mailbox.held.set('partner.example', slow.opened);
    const first = await assess({ recipients: ['ann@partner.example'], mailboxAccess: true });
    expect(first.partial).toBe(true);
    expect(first.recipients[0].transport.verdict).toBe('encrypted');
    expect(first.recipients[0].transport.mailboxAccess).toEqual({
      verdict: 'unknown',
      reasons: ['still being checked; ask again shortly'],
    });
    expect(mailbox.signals.every((signal) => !signal.aborted)).toBe(true);
    slow.open();
    await mailbox.finished.get('partner.example');
    const second = await assess({ recipients: ['ann@partner.example'], mailboxAccess: true });
    expect(second.partial).toBe(false);
    expect(second.recipients[0].transport.mailboxAccess).toEqual(TLS_ONLY);
    // Answered from what the service keeps in memory, without a second check.
    expect(mailbox.calls).toEqual(['partner.example']);
  });

  test('a check that throws is unknown for that domain only, and the answer is whole', async () => {
    const { assess } = await mailboxApp(new FakeMailbox());
    const body = await assess({
      recipients: ['a@explodes.example', 'ann@partner.example'],
      mailboxAccess: true,
    });
    expect(body.partial).toBe(false);
    expect(body.recipients[0].transport.mailboxAccess).toEqual({
      verdict: 'unknown',
      reasons: ['the check failed; ask again shortly'],
    });
    expect(body.recipients[1].transport.mailboxAccess.verdict).toBe('tls-only');
  });
});

describe('POST /api/v1/assess: who waits for mailbox access', () => {
  /** A mailbox check of partner.example that never settles, so an answer that waits for it waits out the deadline. */
  function neverSettling() {
    const mailbox = new FakeMailbox();
    mailbox.held.set('partner.example', new Promise(() => undefined));
    return mailbox;
  }
  const STILL_CHECKING = { verdict: 'unknown', reasons: ['still being checked; ask again shortly'] };
  // The longest deadline the configuration allows, beyond the test's own time-out: an answer that comes did not
  // wait for the check.
  const FOREVER_MS = 60_000;

  test('under a policy without the switch, the send path does not wait: the check runs on and is not partial', async () => {
    const mailbox = neverSettling();
    const { assess } = await mailboxApp(mailbox, FOREVER_MS);
    const body = await assess({ recipients: ['ann@partner.example'] });
    expect(body.partial).toBe(false);
    expect(body.recipients[0].transport.verdict).toBe('encrypted');
    expect(body.recipients[0].transport).not.toHaveProperty('mailboxAccess');
    // Started all the same, so the pane finds it warm.
    expect(mailbox.calls).toEqual(['partner.example']);
  });

  test('not waited for, what the service already keeps is attached', async () => {
    const mailbox = new FakeMailbox();
    mailbox.cache.set('partner.example', { ...TLS_ONLY, verdict: 'tls-only' });
    mailbox.held.set('other.example', new Promise(() => undefined));
    const { assess } = await mailboxApp(mailbox, FOREVER_MS);
    const body = await assess({ recipients: ['ann@partner.example', 'cy@other.example'] });
    expect(body.partial).toBe(false);
    expect(body.recipients[0].transport.mailboxAccess).toEqual(TLS_ONLY);
    expect(body.recipients[1].transport).not.toHaveProperty('mailboxAccess');
  });

  test('under a classification with mailboxAccess, the send path waits within the deadline', async () => {
    const policy = defaultPolicy();
    policy.classifications[0] = { ...policy.classifications[0]!, mailboxAccess: 'tls-only' };
    const { assess } = await mailboxApp(neverSettling(), 50, policy);
    const body = await assess({ recipients: ['ann@partner.example'] });
    expect(body.partial).toBe(true);
    expect(body.recipients[0].transport.mailboxAccess).toEqual(STILL_CHECKING);
  });

  test('with the pane’s mailboxAccess: true, it waits within the deadline under any policy', async () => {
    const { assess } = await mailboxApp(neverSettling(), 50);
    const body = await assess({ recipients: ['ann@partner.example'], mailboxAccess: true });
    expect(body.partial).toBe(true);
    expect(body.recipients[0].transport.mailboxAccess).toEqual(STILL_CHECKING);
  });

  test('mailboxAccess that is not a boolean is a 400', async () => {
    const { app, authorization } = await mailboxApp(new FakeMailbox());
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/assess',
      headers: { authorization },
      payload: { recipients: [], mailboxAccess: 'yes' },
    });
    expect(response.statusCode).toBe(400);
  });
});

describe('POST /api/v1/assess: the reply path', () => {
  test('with the sender’s address: the inbound transport of their own domain, checked though it is internal', async () => {
    const mailbox = new FakeMailbox();
    const built = await mailboxApp(mailbox);
    const body = await built.assess({ recipients: ['ann@partner.example'], sender: 'Clerk@Example.GOV' });
    expect(body.replyPath).toEqual({
      domain: 'example.gov',
      verdict: 'encrypted',
      reasons: ['every MX offers TLS 1.2 or later; nothing authenticates it'],
      checkedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(built.fakeTransport.calls.sort()).toEqual(['example.gov', 'partner.example']);
    // The reply path is the sender's domain's transport only: their own mailbox access is not asked.
    expect(mailbox.calls).toEqual(['partner.example']);
  });

  test('without a sender, or with one that is not an address, there is none', async () => {
    const { assess, fakeTransport } = await mailboxApp(new FakeMailbox());
    expect(await assess({ recipients: ['ann@partner.example'] })).not.toHaveProperty('replyPath');
    const odd = await assess({ recipients: ['ann@partner.example'], sender: 'not an address' });
    expect(odd).not.toHaveProperty('replyPath');
    expect(odd.recipients).toHaveLength(1);
    expect(fakeTransport.calls).toEqual(['partner.example']);
  });

  test('a reply path not known by the deadline is "still being checked", and the answer partial', async () => {
    const built = await mailboxApp(new FakeMailbox(), 50);
    built.fakeTransport.held.set('example.gov', new Promise(() => undefined));
    const body = await built.assess({ recipients: [], sender: 'clerk@example.gov' });
    expect(body.partial).toBe(true);
    expect(body.replyPath).toEqual({
      domain: 'example.gov',
      verdict: 'unknown',
      reasons: ['still being checked; ask again shortly'],
    });
  });

  test('a sender that is not text is a 400', async () => {
    const { app, authorization } = await mailboxApp(undefined);
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/assess',
      headers: { authorization },
      payload: { recipients: [], sender: ['clerk@example.gov'] },
    });
    expect(response.statusCode).toBe(400);
  });
});

describe('GET /api/v1/domains/:domain: mailbox access with its evidence', () => {
  test('beside the transport report, and absent where the service has no check', async () => {
    const withCheck = await mailboxApp(new FakeMailbox());
    const report = (
      await withCheck.app.inject({
        url: '/api/v1/domains/Partner.Example',
        headers: { authorization: withCheck.authorization },
      })
    ).json();
    expect(report.verdict).toBe('encrypted');
    expect(report.mailboxAccess).toEqual({
      ...TLS_ONLY,
      evidence: { endpoints: [{ protocol: 'imap', host: 'imap.partner.example', port: 993 }] },
    });
    const without = await mailboxApp(undefined);
    const plain = (
      await without.app.inject({
        url: '/api/v1/domains/partner.example',
        headers: { authorization: without.authorization },
      })
    ).json();
    expect(plain).not.toHaveProperty('mailboxAccess');
  });
});

test('the OpenAPI document describes the sender, the reply path and mailbox access', async () => {
  const { app } = await mailboxApp(undefined);
  const document = (await app.inject({ url: '/api/v1/openapi.json' })).json();
  const assess = document.paths['/api/v1/assess'].post;
  const request = assess.requestBody.content['application/json'].schema;
  expect(request.properties.sender.description).toContain('replyPath');
  expect(request.properties.mailboxAccess.type).toBe('boolean');
  const answer = assess.responses['200'].content['application/json'].schema;
  expect(answer.properties.replyPath.required).toEqual(['domain', 'verdict', 'reasons']);
  const transport = answer.properties.recipients.items.properties.transport;
  expect(transport.properties.mailboxAccess.properties.verdict.enum).toEqual([
    'tls-only',
    'tls-offered',
    'plaintext',
    'unknown',
  ]);
  expect(transport.properties.mailboxAccess.properties).not.toHaveProperty('evidence');
  const domain = document.paths['/api/v1/domains/{domain}'].get.responses['200'].content['application/json'];
  expect(domain.schema.properties.mailboxAccess.properties).toHaveProperty('evidence');
});
