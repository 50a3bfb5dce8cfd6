/**
 * probeAccess against scripted IMAP, POP3 and submission servers on loopback: what a mail client meets before and
 * after TLS, and hostile servers (junk, endless lines, silence, STARTTLS injection) ending as an outcome within
 * the deadline. No probe ever sends a password.
 */
import net from 'node:net';
import { probeAccess, type AccessTarget } from '../../../src/server/mailbox/access-probe';
import { judgeEndpoint } from '../../../src/server/mailbox/verdict';
import { testPki, type TestPki } from '../../helpers/test-pki';
import { fakeAccessServer, type FakeScript } from './fake-access-server';

const HOST = 'mail.example.org';
let pki: TestPki;
let leaf: { cert: string; key: string };

beforeAll(() => {
  pki = testPki();
  leaf = pki.leaf([HOST]);
});
afterAll(() => pki.remove());

const IMAP_GREETING = '* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n';
const imapTlsOnly = (): FakeScript => ({
  greeting: IMAP_GREETING,
  plain: {
    CAPABILITY: '* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n{tag} OK done\r\n',
    STARTTLS: '{tag} OK begin TLS\r\n',
    LOGOUT: '* BYE bye\r\n{tag} OK done\r\n',
  },
  overTls: {
    CAPABILITY: '* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n',
    LOGOUT: '* BYE bye\r\n{tag} OK done\r\n',
  },
  startTlsCommand: 'STARTTLS',
  tls: leaf,
});

async function probe(script: FakeScript, target: Partial<AccessTarget> = {}, totalMs = 3000) {
  const server = await fakeAccessServer(script);
  const endpoint = {
    protocol: 'imap' as const,
    host: HOST,
    port: server.port,
    security: 'starttls' as const,
    ...target,
  };
  const result = await probeAccess(
    { ...endpoint, address: server.address },
    { allowPrivateAddresses: true, ca: pki.ca, heloName: 'probe.example', totalMs },
  );
  const judgement = judgeEndpoint({ ...endpoint, foundBy: ['srv'] }, result);
  return { result, judgement, received: server.received };
}

/** Commands that would carry a credential, in any of the three protocols. */
const CREDENTIALS = /^(?:S[0-9]+ )?(?:LOGIN|AUTHENTICATE|USER|PASS|AUTH|APOP)\b/i;

describe('IMAP (RFC 9051)', () => {
  test('STARTTLS with LOGINDISABLED before it (§6.2.3) is tls-only; the certificate is trusted and names the host', async () => {
    const { result, judgement, received } = await probe(imapTlsOnly());
    expect(result).toMatchObject({
      outcome: 'tls',
      starttls: true,
      plaintextLogin: false,
      tls: { certificate: { trusted: true, nameMatches: true } },
    });
    expect(judgement).toEqual({ verdict: 'tls-only', reasons: [] });
    expect(received).toEqual(['S1 CAPABILITY', 'S2 STARTTLS', 'S3 CAPABILITY', 'S4 LOGOUT']);
  });

  test('a password accepted before STARTTLS is tls-offered, and the reason says what a client risks', async () => {
    const script = imapTlsOnly();
    script.plain.CAPABILITY = '* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\n{tag} OK done\r\n';
    const { result, judgement } = await probe(script);
    expect(result).toMatchObject({ outcome: 'tls', starttls: true, plaintextLogin: true });
    expect(judgement.verdict).toBe('tls-offered');
    expect(judgement.reasons[0]).toMatch(
      /^mail\.example\.org:\d+ lets mail clients log in before STARTTLS: mail clients set to 'STARTTLS if available' can be made to log in without TLS$/,
    );
  });

  test('LOGINDISABLED beside an AUTH= mechanism (§7.2.2) still lets clients log in before STARTTLS: tls-offered', async () => {
    const script = imapTlsOnly();
    script.plain.CAPABILITY =
      '* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED AUTH=CRAM-MD5\r\n{tag} OK done\r\n';
    const { result, judgement } = await probe(script);
    expect(result).toMatchObject({ outcome: 'tls', starttls: true, plaintextLogin: true });
    expect(judgement.verdict).toBe('tls-offered');
  });

  test('no STARTTLS is plaintext', async () => {
    const script = imapTlsOnly();
    script.plain.CAPABILITY = '* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n';
    const { result, judgement, received } = await probe(script);
    expect(result).toMatchObject({ outcome: 'no-starttls', starttls: false, plaintextLogin: true });
    expect(judgement.verdict).toBe('plaintext');
    expect(judgement.reasons[0]).toContain('offers no STARTTLS');
    expect(received).toEqual(['S1 CAPABILITY', 'S2 LOGOUT']);
  });

  test('LOGINDISABLED without STARTTLS is still plaintext, and the reason does not claim clients log in', async () => {
    const script = imapTlsOnly();
    script.plain.CAPABILITY = '* CAPABILITY IMAP4rev1 LOGINDISABLED\r\n{tag} OK done\r\n';
    const { result, judgement } = await probe(script);
    expect(result).toMatchObject({ outcome: 'no-starttls', starttls: false, plaintextLogin: false });
    expect(judgement.verdict).toBe('plaintext');
    expect(judgement.reasons[0]).toMatch(
      /^mail\.example\.org:\d+ offers no STARTTLS and refuses logins without it: mail clients set up for it cannot log in there, and nothing on it is protected by TLS$/,
    );
  });

  test('NO to STARTTLS is a refusal, not a failed handshake', async () => {
    const script = imapTlsOnly();
    script.plain.STARTTLS = '{tag} NO TLS not available now\r\n';
    const { result, judgement } = await probe(script);
    expect(result).toMatchObject({ outcome: 'tls-failed', starttls: true, plaintextLogin: false });
    expect(judgement.reasons).toEqual([
      expect.stringMatching(/ offers STARTTLS, but refused STARTTLS \(NO TLS not available now\)$/),
    ]);
  });

  test('a handshake without a certificate (anonymous TLS) says "presented no certificate" once', () => {
    const endpoint = { protocol: 'imap' as const, host: HOST, port: 993, security: 'implicit' as const };
    const judgement = judgeEndpoint(
      { ...endpoint, foundBy: ['srv'] },
      {
        address: '192.0.2.1',
        outcome: 'tls',
        tls: { version: 'TLSv1.2', cipher: 'ADH', legacyOnly: false },
        timings: {},
      },
    );
    expect(judgement.reasons[0]).toMatch(
      /^mail\.example\.org:993 requires TLS, but presented no certificate: /,
    );
  });

  test('RFC 9051 §7: untagged data arriving before a command (an ALERT after the greeting) is read past', async () => {
    const script = {
      ...imapTlsOnly(),
      greeting: `${IMAP_GREETING}* OK [ALERT] maintenance tonight at 22:00\r\n`,
    };
    const { result, judgement } = await probe(script);
    expect(result).toMatchObject({ outcome: 'tls', starttls: true, plaintextLogin: false });
    expect(judgement.verdict).toBe('tls-only');
  });

  test('a tagged response arriving before any command is still a protocol error', async () => {
    const { result } = await probe({ ...imapTlsOnly(), greeting: `${IMAP_GREETING}S1 OK done\r\n` });
    expect(result).toMatchObject({ outcome: 'protocol-error', error: { code: 'IMAP_UNEXPECTED_RESPONSE' } });
  });

  test('PREAUTH before TLS is plaintext: the client is in without a login', async () => {
    const { result, judgement } = await probe({ ...imapTlsOnly(), greeting: '* PREAUTH welcome\r\n' });
    expect(result).toMatchObject({ outcome: 'no-starttls', preauth: true });
    expect(judgement.verdict).toBe('plaintext');
  });

  test('implicit TLS on its own port (RFC 8314 §3.3) is tls-only; an untrusted certificate is a reason, not a change', async () => {
    const script: FakeScript = { ...imapTlsOnly(), implicit: true, overTls: imapTlsOnly().overTls };
    const server = await fakeAccessServer(script);
    const endpoint = {
      protocol: 'imap' as const,
      host: HOST,
      port: server.port,
      security: 'implicit' as const,
    };
    const result = await probeAccess(
      { ...endpoint, address: server.address },
      { allowPrivateAddresses: true, heloName: 'probe.example', totalMs: 3000 },
    );
    expect(result).toMatchObject({
      outcome: 'tls',
      tls: { certificate: { trusted: false, nameMatches: true } },
    });
    const judgement = judgeEndpoint({ ...endpoint, foundBy: ['srv'] }, result);
    expect(judgement.verdict).toBe('tls-only');
    expect(judgement.reasons[0]).toMatch(
      /^mail\.example\.org:\d+ requires TLS, but its certificate is (self-signed|not issued by a trusted authority).*: mail clients warn/,
    );
    expect(server.received).toEqual(['S1 CAPABILITY', 'S2 LOGOUT']);
  });

  test('a TLS 1.0-only server: a second connection with old versions allowed still finds TLS required', async () => {
    const script = imapTlsOnly();
    script.tls = { ...leaf, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' };
    const { result, judgement, received } = await probe(script);
    expect(result).toMatchObject({ outcome: 'tls', tls: { version: 'TLSv1', legacyOnly: true } });
    expect(judgement.verdict).toBe('tls-only');
    expect(judgement.reasons).toContainEqual(
      expect.stringContaining('requires TLS, but only below TLS 1.2 (TLSv1)'),
    );
    // The first connection ended at the refused handshake; the second went all the way.
    expect(received).toEqual([
      'S1 CAPABILITY',
      'S2 STARTTLS',
      'S1 CAPABILITY',
      'S2 STARTTLS',
      'S3 CAPABILITY',
      'S4 LOGOUT',
    ]);
  });

  test('what the first connection learnt before TLS stays when the legacy retry is turned away', async () => {
    const tls10Only = imapTlsOnly();
    tls10Only.plain.CAPABILITY = '* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\n{tag} OK done\r\n';
    tls10Only.tls = { ...leaf, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' };
    const first = await fakeAccessServer(tls10Only);
    const busy = await fakeAccessServer({ ...imapTlsOnly(), greeting: '* BYE too many connections\r\n' });
    const ports = [first.port, busy.port];
    const result = await probeAccess(
      { protocol: 'imap', host: HOST, address: first.address, port: first.port, security: 'starttls' },
      {
        allowPrivateAddresses: true,
        ca: pki.ca,
        heloName: 'probe.example',
        totalMs: 3000,
        dial: ({ host }) => net.connect({ host, port: ports.shift() ?? busy.port }),
      },
    );
    expect(result).toMatchObject({ outcome: 'refused', starttls: true, plaintextLogin: true });
    const judgement = judgeEndpoint(
      { protocol: 'imap', host: HOST, port: first.port, security: 'starttls', foundBy: ['srv'] },
      result,
    );
    expect(judgement.verdict).toBe('tls-offered');
  });

  test('a certificate for another name is named in the reasons', async () => {
    const script = imapTlsOnly();
    script.tls = pki.leaf(['other.example.net']);
    const { result, judgement } = await probe(script);
    expect(result.tls?.certificate).toMatchObject({ trusted: true, nameMatches: false });
    expect(judgement.reasons).toContainEqual(
      expect.stringContaining(`its certificate does not name ${HOST}`),
    );
  });
});

describe('POP3 (RFC 1939, RFC 2449, RFC 2595)', () => {
  const pop3 = (capa: string): FakeScript => ({
    greeting: '+OK POP3 ready\r\n',
    plain: { CAPA: `+OK\r\n${capa}.\r\n`, STLS: '+OK begin TLS\r\n', QUIT: '+OK bye\r\n' },
    overTls: { CAPA: '+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n', QUIT: '+OK bye\r\n' },
    startTlsCommand: 'STLS',
    tls: leaf,
  });

  test('STLS without USER, SASL or APOP before it is tls-only', async () => {
    const { result, judgement, received } = await probe(pop3('STLS\r\nTOP\r\n'), {
      protocol: 'pop3',
    });
    expect(result).toMatchObject({ outcome: 'tls', starttls: true, plaintextLogin: false });
    expect(judgement.verdict).toBe('tls-only');
    expect(received).toEqual(['CAPA', 'STLS', 'CAPA', 'QUIT']);
  });

  test('USER before STLS is tls-offered', async () => {
    const { judgement } = await probe(pop3('STLS\r\nUSER\r\n'), { protocol: 'pop3' });
    expect(judgement.verdict).toBe('tls-offered');
    expect(judgement.reasons[0]).toContain('lets mail clients log in before STLS');
  });

  test('any SASL mechanism before STLS (RFC 2449 §6.3), CRAM-MD5 too, is a login in the clear: tls-offered', async () => {
    const { result, judgement } = await probe(pop3('STLS\r\nSASL CRAM-MD5\r\n'), { protocol: 'pop3' });
    expect(result).toMatchObject({ starttls: true, plaintextLogin: true });
    expect(judgement.verdict).toBe('tls-offered');
  });

  test('an APOP timestamp in the greeting (RFC 1939 §7) offers a login before STLS: tls-offered', async () => {
    const script = { ...pop3('STLS\r\n'), greeting: '+OK POP3 ready <1896.697170952@pop.example.org>\r\n' };
    const { result, judgement } = await probe(script, { protocol: 'pop3' });
    expect(result).toMatchObject({ starttls: true, plaintextLogin: true });
    expect(judgement.verdict).toBe('tls-offered');
  });

  test('a byte-stuffed CAPA line and SASL LOGIN count as a plaintext login', async () => {
    const { result } = await probe(pop3('STLS\r\n..odd\r\nSASL LOGIN\r\n'), { protocol: 'pop3' });
    expect(result).toMatchObject({ starttls: true, plaintextLogin: true });
  });

  test('a server without CAPA cannot offer STLS: plaintext', async () => {
    const script = pop3('');
    script.plain.CAPA = '-ERR unknown command\r\n';
    const { result, judgement } = await probe(script, { protocol: 'pop3' });
    expect(result).toMatchObject({ outcome: 'no-starttls', starttls: false, plaintextLogin: true });
    expect(judgement.verdict).toBe('plaintext');
  });

  test('data after the STLS go-ahead, before the handshake, is an injection (RFC 2595 §4)', async () => {
    const script = pop3('STLS\r\n');
    script.plain.STLS = '+OK begin TLS\r\n+OK USER accepted\r\n';
    script.startTlsCommand = 'NONE';
    const { result, judgement } = await probe(script, { protocol: 'pop3' });
    expect(result).toMatchObject({
      outcome: 'starttls-injection',
      error: { code: 'POP3_STARTTLS_INJECTION' },
    });
    expect(judgement.reasons).toContainEqual(expect.stringContaining('sent data after its go-ahead for TLS'));
  });

  test('an endless CAPA list ends as a protocol error', async () => {
    const { result } = await probe(pop3('X-JUNK\r\n'.repeat(500)), { protocol: 'pop3' });
    expect(result).toMatchObject({ outcome: 'protocol-error', error: { code: 'POP3_UNEXPECTED_RESPONSE' } });
  });

  test('-ERR as greeting is refused: unknown', async () => {
    const { result, judgement } = await probe(
      { ...pop3(''), greeting: '-ERR go away\r\n' },
      { protocol: 'pop3' },
    );
    expect(result.outcome).toBe('refused');
    expect(judgement.verdict).toBe('unknown');
  });
});

describe('submission (RFC 6409, RFC 8314) through the SMTP probe', () => {
  const smtp = (ehlo: string): FakeScript => ({
    greeting: '220 submit.example ESMTP\r\n',
    plain: { EHLO: ehlo, STARTTLS: '220 go ahead\r\n', QUIT: '221 bye\r\n' },
    overTls: { EHLO: '250-submit.example\r\n250 AUTH PLAIN LOGIN\r\n', QUIT: '221 bye\r\n' },
    startTlsCommand: 'STARTTLS',
    tls: leaf,
  });

  test('no AUTH before STARTTLS is tls-only', async () => {
    const { result, judgement } = await probe(smtp('250-submit.example\r\n250 STARTTLS\r\n'), {
      protocol: 'submission',
    });
    expect(result).toMatchObject({ outcome: 'tls', starttls: true, plaintextLogin: false });
    expect(judgement.verdict).toBe('tls-only');
  });

  test('AUTH before STARTTLS is tls-offered', async () => {
    const { judgement } = await probe(smtp('250-submit.example\r\n250-AUTH PLAIN\r\n250 STARTTLS\r\n'), {
      protocol: 'submission',
    });
    expect(judgement.verdict).toBe('tls-offered');
  });

  test('454 to STARTTLS (RFC 3207 §4) is a temporary error, and the reason says so', async () => {
    const script = smtp('250-submit.example\r\n250 STARTTLS\r\n');
    script.plain.STARTTLS = '454 4.7.0 TLS not available due to temporary reason\r\n';
    const { result, judgement } = await probe(script, { protocol: 'submission' });
    expect(result).toMatchObject({ outcome: 'tempfail', starttls: true });
    expect(judgement.reasons).toEqual([
      expect.stringContaining(
        'offers STARTTLS, but answered STARTTLS with a temporary error: 454 4.7.0 TLS not available',
      ),
    ]);
  });

  test('AUTH in its old AUTH=LOGIN form before STARTTLS is tls-offered', async () => {
    const { result, judgement } = await probe(
      smtp('250-submit.example\r\n250-AUTH=LOGIN\r\n250 STARTTLS\r\n'),
      { protocol: 'submission' },
    );
    expect(result).toMatchObject({ starttls: true, plaintextLogin: true });
    expect(judgement.verdict).toBe('tls-offered');
  });

  test('a submission server that never answers EHLO is unknown, not plaintext', async () => {
    const script = smtp('');
    delete script.plain.EHLO;
    const { result, judgement } = await probe(script, { protocol: 'submission' }, 500);
    expect(result).toMatchObject({ outcome: 'timeout' });
    expect(result.starttls).toBeUndefined();
    expect(judgement.verdict).toBe('unknown');
  });

  test('implicit TLS on its own port: banner and EHLO over TLS', async () => {
    const script = { ...smtp(''), implicit: true };
    const { result, judgement, received } = await probe(script, {
      protocol: 'submission',
      security: 'implicit',
    });
    expect(result).toMatchObject({ outcome: 'tls', tls: { certificate: { trusted: true } } });
    expect(judgement.verdict).toBe('tls-only');
    expect(received).toEqual(['EHLO probe.example', 'QUIT']);
  });
});

describe('hostile servers end as an outcome within the deadline', () => {
  test.each([
    ['junk as greeting', { greeting: 'HTTP/1.1 400 Bad Request\r\n' }, 'protocol-error', 'IMAP_NOT_IMAP'],
    ['an endless line', { greeting: `* OK ${'x'.repeat(20_000)}` }, 'protocol-error', 'IMAP_LINE_TOO_LONG'],
    [
      'endless untagged responses',
      { plain: { CAPABILITY: '* OK still going\r\n'.repeat(5000) } },
      'protocol-error',
      'IMAP_TOO_MUCH_DATA',
    ],
    ['no greeting at all', { greeting: null }, 'timeout', 'IMAP_TIMEOUT'],
    [
      'data after the STARTTLS go-ahead, before the handshake',
      {
        plain: {
          ...imapTlsOnly().plain,
          STARTTLS: '{tag} OK begin TLS\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n',
        },
        startTlsCommand: 'NONE',
      },
      'starttls-injection',
      'IMAP_STARTTLS_INJECTION',
    ],
    [
      'a tagged answer to another command',
      { plain: { CAPABILITY: 'X9 OK hm\r\n' } },
      'protocol-error',
      'IMAP_UNEXPECTED_RESPONSE',
    ],
  ])('%s', async (_about, change, outcome, code) => {
    const started = performance.now();
    const { result, judgement, received } = await probe(
      { ...imapTlsOnly(), ...change } as FakeScript,
      {},
      1500,
    );
    expect(result).toMatchObject({ outcome, error: { code } });
    expect(judgement.verdict).toBe(outcome === 'starttls-injection' ? 'tls-only' : 'unknown');
    expect(performance.now() - started).toBeLessThan(2500);
    expect(received.filter((line) => CREDENTIALS.test(line))).toEqual([]);
  });

  test.each(['imap', 'pop3', 'submission'] as const)(
    'a loopback address is not probed unless private addresses are allowed (%s)',
    async (protocol) => {
      const server = await fakeAccessServer(imapTlsOnly());
      const result = await probeAccess(
        { protocol, host: HOST, port: server.port, security: 'starttls', address: server.address },
        { allowPrivateAddresses: false, heloName: 'probe.example', totalMs: 1000 },
      );
      expect(result).toMatchObject({
        outcome: 'not-allowed',
        error: { code: 'ADDRESS_NOT_ALLOWED', phase: 'vet' },
      });
      expect(server.received).toEqual([]);
    },
  );

  test("the caller's abort ends the probe with its reason", async () => {
    const server = await fakeAccessServer({ ...imapTlsOnly(), greeting: null });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('gave up')), 100);
    await expect(
      probeAccess(
        { protocol: 'imap', host: HOST, port: server.port, security: 'starttls', address: server.address },
        { allowPrivateAddresses: true, heloName: 'probe.example', totalMs: 5000, signal: controller.signal },
      ),
    ).rejects.toThrow('gave up');
  });
});
