// Smoke test of the offline test bed (test/testbed/): starts it, then checks with plain tools (dig, openssl,
// posttls-finger) and bare Node sockets — never with Sendguard's own code — that every case is what cases.json
// says it is, so that a failing transport test points at the prober and not at the bed.
import { execFileSync, spawnSync } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';

import { MAILBOX_ACCESS_VERDICTS } from '../src/core/vocabulary';

const HERE = path.join(__dirname, 'testbed');
const RUN = process.env.SENDGUARD_TESTBED_RUN ?? path.join(HERE, 'run');
const Z = 'sendguard.test';
const VERDICTS = ['authenticated', 'encrypted', 'weak', 'partial', 'none', 'broken', 'no-mail', 'unknown'];

interface Bed {
  dns: string;
  caFile: string;
  zone: string;
  trustAnchor: string;
  https: string;
  dnsStall: string;
  smtp: Record<string, string>;
  mailDir: string;
  /** Dovecot instance → listener (imap, imaps, pop3, pop3s, submission, submissions) → address:port. */
  mailbox: Record<string, Record<string, string>>;
  mailboxRefused: string;
  mailboxLogin: { user: string; password: string };
  mailboxCasesFile: string;
}
interface Case {
  domain: string;
  expect: string;
  reason: string;
  about: string;
}

let bed: Bed;
let ca: string;
let startedHere = false;
const cases: Case[] = JSON.parse(fs.readFileSync(path.join(HERE, 'cases.json'), 'utf8'));
const ip = (hostPort: string | undefined): string => (hostPort ?? '').replace(/:\d+$/, '');
const smtp = (name: string): string => ip(bed.smtp[name]);

beforeAll(() => {
  const up = spawnSync(path.join(HERE, 'up.sh'), { encoding: 'utf8', timeout: 170_000 });
  if (up.status !== 0) throw new Error(`up.sh failed (${up.status}):\n${up.stderr}`);
  // A bed somebody already had running (a developer's, another test file's) is left running afterwards.
  startedHere = !up.stderr.includes('already up');
  bed = JSON.parse(fs.readFileSync(path.join(RUN, 'bed.json'), 'utf8'));
  ca = fs.readFileSync(bed.caFile, 'utf8');
}, 180_000);

afterAll(() => {
  if (startedHere) spawnSync(path.join(HERE, 'down.sh'), { encoding: 'utf8', timeout: 60_000 });
}, 70_000);

// ---------------------------------------------------------------------------------------------------------------
// dig

interface DigAnswer {
  status: string;
  ad: boolean;
  answer: string[];
}
function dig(name: string, type: string): DigAnswer {
  const out = execFileSync(
    'dig',
    ['+dnssec', '+nosplit', '+time=3', '+tries=1', `@${ip(bed.dns)}`, name, type],
    {
      encoding: 'utf8',
    },
  );
  const flags = /;; flags: ([^;]*);/.exec(out)?.[1] ?? '';
  const section = /;; ANSWER SECTION:\n([\s\S]*?)\n\n/.exec(out)?.[1] ?? '';
  return {
    status: /status: (\w+)/.exec(out)?.[1] ?? 'NONE',
    ad: flags.split(' ').includes('ad'),
    answer: section.split('\n').filter((l) => l && !/\sRRSIG\s/.test(l)),
  };
}

describe('the bed itself', () => {
  test('up.sh is idempotent: a second call finds the bed up and leaves it alone', () => {
    const again = spawnSync(path.join(HERE, 'up.sh'), { encoding: 'utf8', timeout: 60_000 });
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('already up');
  });

  test('bed.json names loopback addresses only', () => {
    const all = [bed.dns, bed.https, ...Object.values(bed.smtp)];
    for (const a of all) expect(a).toMatch(/^127\.\d+\.\d+\.\d+:\d+$/);
    expect(bed.zone).toBe(`${Z}.`);
    expect(bed.trustAnchor).toMatch(/^sendguard\.test\. \d+ IN DS \d+ 13 2 [0-9a-f]{64}$/);
  });

  test('cases.json: one entry per domain, every verdict a vocabulary word, all inside the test zone', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((c) => c.domain)).size).toBe(cases.length);
    for (const c of cases) {
      expect(VERDICTS).toContain(c.expect);
      expect(c.domain.endsWith(`.${Z}`)).toBe(true);
      expect(c.about.length).toBeGreaterThan(10);
      expect(c.reason.length).toBeGreaterThan(5);
    }
    for (const v of VERDICTS) expect(cases.map((c) => c.expect)).toContain(v);
  });
});

describe('DNS: validating resolver over the signed zone', () => {
  test('answers in the signed zone carry AD', () => {
    const mx = dig(`dane-ee.${Z}`, 'MX');
    expect(mx).toMatchObject({ status: 'NOERROR', ad: true });
    expect(mx.answer.join('\n')).toMatch(/MX\s+10 mx\.dane-ee\.sendguard\.test\./);
    const tlsa = dig(`_25._tcp.mx.dane-ee.${Z}`, 'TLSA');
    expect(tlsa).toMatchObject({ status: 'NOERROR', ad: true });
    expect(tlsa.answer.join('\n')).toMatch(/TLSA\s+3 1 1 [0-9A-F]{64}/i);
  });

  test('the insecure child answers without AD, even for its TLSA record', () => {
    expect(dig(`dane-insecure.insecure.${Z}`, 'MX')).toMatchObject({ status: 'NOERROR', ad: false });
    const tlsa = dig(`_25._tcp.mx.dane-insecure.insecure.${Z}`, 'TLSA');
    expect(tlsa).toMatchObject({ status: 'NOERROR', ad: false });
    expect(tlsa.answer.length).toBe(1);
  });

  test('the bogus child (expired signatures) answers SERVFAIL', () => {
    expect(dig(`bogus.${Z}`, 'MX').status).toBe('SERVFAIL');
    expect(dig(`_25._tcp.mx.bogus.${Z}`, 'TLSA').status).toBe('SERVFAIL');
  });

  test('NXDOMAIN is signed; null MX is "0 ."', () => {
    expect(dig(`nxdomain.${Z}`, 'MX')).toMatchObject({ status: 'NXDOMAIN', ad: true });
    expect(dig(`null-mx.${Z}`, 'MX').answer.join('\n')).toMatch(/MX\s+0 \.$/m);
  });

  test('names outside the test zone fail at once instead of timing out', () => {
    const started = Date.now();
    expect(['REFUSED', 'NXDOMAIN', 'SERVFAIL']).toContain(dig('example.com', 'MX').status);
    expect(['REFUSED', 'NXDOMAIN', 'SERVFAIL']).toContain(dig('other.test', 'A').status);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('every case domain resolves as described (NOERROR, NXDOMAIN only for nxdomain, SERVFAIL only for bogus)', () => {
    for (const c of cases) {
      const want = c.domain.startsWith('nxdomain.')
        ? 'NXDOMAIN'
        : c.domain.startsWith('bogus.')
          ? 'SERVFAIL'
          : 'NOERROR';
      expect([c.domain, dig(c.domain, 'MX').status]).toEqual([c.domain, want]);
    }
  });

  test('MTA-STS and TLS-RPT TXT records', () => {
    for (const c of cases.filter((x) => x.domain.startsWith('sts-'))) {
      const txt = dig(`_mta-sts.${c.domain}`, 'TXT');
      expect(txt.ad).toBe(true);
      expect(txt.answer.join('\n')).toMatch(/"v=STSv1; id=[A-Za-z0-9]{1,32}"/);
    }
    for (const d of [`dane-ee.${Z}`, `sts-enforce.${Z}`]) {
      expect(dig(`_smtp._tls.${d}`, 'TXT').answer.join('\n')).toMatch(/"v=TLSRPTv1; rua=mailto:[^"]+"/);
    }
    expect(dig(`mta-sts.sts-no-host.${Z}`, 'A').status).toBe('NXDOMAIN');
  });

  test('implicit MX and the CNAME chain lead to the good smtpd', () => {
    expect(dig(`implicit-mx.${Z}`, 'A').answer.join('\n')).toContain(smtp('good'));
    const chain = dig(`mx.cname-mx.${Z}`, 'A').answer.join('\n');
    expect(chain).toMatch(/CNAME[\s\S]*CNAME/);
    expect(chain).toContain(smtp('good'));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// SMTP over bare sockets

/** A socket that collects what arrives; `read` waits for a complete SMTP reply (or gives up after `ms`). */
function dial(host: string) {
  const socket = net.connect({ host, port: 25 });
  let data = '';
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    data += chunk.toString('latin1');
    wake?.();
  });
  socket.on('error', () => {});
  const complete = () => /(^|\n)\d{3} [^\n]*\n/.test(data);
  const read = (ms = 5000) =>
    new Promise<string>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        const got = data;
        data = '';
        resolve(got);
      };
      const timer = setTimeout(done, ms);
      wake = () => complete() && done();
      wake();
    });
  return { socket, read, send: (line: string) => socket.write(`${line}\r\n`) };
}

interface Probe {
  banner: string;
  ehlo: string;
  starttlsReply?: string;
  protocol?: string | null;
  authorizationError?: string;
  identityError?: string;
  cert?: tls.PeerCertificate;
  ehloOverTls?: string;
}

/** Banner, EHLO, and — when offered — STARTTLS with Node's TLS (trusting the test CA, verifying nothing). */
async function probe(host: string, servername: string): Promise<Probe> {
  const c = dial(host);
  try {
    const banner = await c.read();
    c.send('EHLO probe.sendguard.test');
    const ehlo = await c.read();
    if (!/^250[- ]STARTTLS/im.test(ehlo)) return { banner, ehlo };
    c.send('STARTTLS');
    const starttlsReply = await c.read();
    c.socket.removeAllListeners('data');
    // Chain only: the name is checked separately below, so each test can tell the two failures apart.
    const secure = tls.connect({
      socket: c.socket,
      servername,
      ca,
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    const cert = secure.getPeerCertificate();
    const identity = tls.checkServerIdentity(servername, cert);
    const overTls = new Promise<string>((resolve) => {
      let got = '';
      const timer = setTimeout(() => resolve(got), 5000);
      secure.on('data', (d: Buffer) => {
        got += d.toString('latin1');
        if (/(^|\n)\d{3} [^\n]*\n/.test(got)) {
          clearTimeout(timer);
          resolve(got);
        }
      });
    });
    secure.write('EHLO probe.sendguard.test\r\n');
    const ehloOverTls = await overTls;
    secure.end('QUIT\r\n');
    return {
      banner,
      ehlo,
      starttlsReply,
      protocol: secure.getProtocol(),
      authorizationError: secure.authorizationError ? String(secure.authorizationError) : undefined,
      identityError: identity ? identity.message : undefined,
      cert,
      ehloOverTls,
    };
  } finally {
    c.socket.destroy();
  }
}

describe('Postfix smtpd per case', () => {
  test('good: TLS 1.3, certificate chains to the test CA and names the MX', async () => {
    const p = await probe(smtp('good'), `mx.tls-valid.${Z}`);
    expect(p.banner).toMatch(/^220 /);
    expect(p.protocol).toBe('TLSv1.3');
    expect(p.authorizationError).toBeUndefined();
    expect(p.identityError).toBeUndefined();
    expect(p.ehloOverTls).toMatch(/^250[ -]/);
  }, 20_000);

  test('selfsigned: STARTTLS works, the certificate chains to nothing', async () => {
    const p = await probe(smtp('selfsigned'), `mx.tls-selfsigned.${Z}`);
    expect(p.protocol).toBe('TLSv1.3');
    expect(p.authorizationError).toMatch(/SELF_SIGNED/);
  }, 20_000);

  test('expired: CA-signed, expired', async () => {
    const p = await probe(smtp('expired'), `mx.tls-expired.${Z}`);
    expect(p.protocol).toBe('TLSv1.3');
    expect(p.authorizationError).toBe('CERT_HAS_EXPIRED');
  }, 20_000);

  test('wrongname: CA-signed, for another name', async () => {
    const p = await probe(smtp('wrongname'), `mx.tls-wrongname.${Z}`);
    expect(p.authorizationError).toBeUndefined();
    expect(p.identityError).toMatch(/wrong-name\.example\.net/);
  }, 20_000);

  test('cnonly: CA-signed, the name only in the subject CN, no subjectAltName', async () => {
    const p = await probe(smtp('cnonly'), `mx.tls-cn-only.${Z}`);
    expect(p.authorizationError).toBeUndefined();
    expect(p.cert?.subject.CN).toBe(`mx.tls-cn-only.${Z}`);
    expect(p.cert?.subjectaltname).toBeUndefined();
  }, 20_000);

  test('plain: no STARTTLS offered', async () => {
    const p = await probe(smtp('plain'), `mx.no-starttls.${Z}`);
    expect(p.banner).toMatch(/^220 /);
    expect(p.ehlo).toMatch(/^250 /m);
    expect(p.ehlo).not.toMatch(/STARTTLS/i);
  }, 20_000);

  // Node (like OpenSSL 3 at its default security level) will not speak TLS < 1.2; openssl s_client can be told to.
  const sClient = (args: string[]) =>
    spawnSync('openssl', ['s_client', '-starttls', 'smtp', '-connect', `${smtp('legacy')}:25`, ...args], {
      input: '',
      encoding: 'utf8',
      timeout: 15_000,
    }).stdout;
  test.each([
    ['-tls1', 'TLSv1'],
    ['-tls1_1', 'TLSv1.1'],
  ])('legacy: offers %s at security level 0', (flag, version) => {
    expect(sClient([flag, '-cipher', 'DEFAULT@SECLEVEL=0'])).toMatch(
      new RegExp(`Protocol\\s*: ${version.replace('.', '\\.')}\\n`),
    );
  });
  test('legacy: refuses TLS 1.2 and 1.3', () => {
    for (const flag of ['-tls1_2', '-tls1_3']) expect(sClient([flag])).toMatch(/Cipher is \(NONE\)/);
  });

  test('mailbox.sendguard.test: mail is delivered to a maildir under run/', async () => {
    const token = `token-${process.pid}-${Date.now()}`;
    const c = dial(smtp('good'));
    try {
      for (const [line, want] of [
        [null, /^220 /],
        ['EHLO probe.sendguard.test', /^250 /m],
        ['MAIL FROM:<sender@sendguard.test>', /^250 /],
        ['RCPT TO:<alice+smoke@mailbox.sendguard.test>', /^250 /],
        ['DATA', /^354 /],
        [
          `Subject: ${token}\r\nFrom: sender@sendguard.test\r\nTo: alice@mailbox.sendguard.test\r\n\r\n${token}\r\n.`,
          /^250 /,
        ],
      ] as const) {
        if (line !== null) c.send(line);
        expect(await c.read()).toMatch(want);
      }
      c.send('QUIT');
    } finally {
      c.socket.end();
    }
    const dir = path.join(bed.mailDir, 'new');
    const deadline = Date.now() + 15_000;
    let found = false;
    while (!found && Date.now() < deadline) {
      found =
        fs.existsSync(dir) &&
        fs.readdirSync(dir).some((f) => fs.readFileSync(path.join(dir, f), 'utf8').includes(token));
      if (!found) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toBe(true);
  }, 30_000);
});

describe('hostile SMTP peers', () => {
  test('tarpit: accepts and never greets', async () => {
    const c = dial(smtp('tarpit'));
    try {
      expect(await c.read(1500)).toBe('');
      expect(c.socket.destroyed).toBe(false);
    } finally {
      c.socket.destroy();
    }
  });

  test('junk: something other than an SMTP reply', async () => {
    const c = dial(smtp('junk'));
    try {
      const got = await c.read(1500);
      expect(got.length).toBeGreaterThan(0);
      expect(got).not.toMatch(/^\d{3}[ -]/);
    } finally {
      c.socket.destroy();
    }
  });

  test('tempfail: greets with 421', async () => {
    const c = dial(smtp('tempfail'));
    try {
      expect(await c.read()).toMatch(/^421 /);
    } finally {
      c.socket.destroy();
    }
  });

  test('inject: the STARTTLS 220 arrives with an extra response glued to it, then TLS works', async () => {
    const p = await probe(smtp('inject'), `mx.starttls-inject.${Z}`);
    expect(p.banner).toMatch(/^220 /);
    expect(p.starttlsReply).toMatch(/^220 [^\n]*\r\n250 /);
    // A naive client that ignores the extra bytes gets a valid TLS session: only the injection check saves it.
    expect(p.protocol).toBe('TLSv1.3');
    expect(p.authorizationError).toBeUndefined();
    expect(p.identityError).toBeUndefined();
  }, 20_000);
});

// ---------------------------------------------------------------------------------------------------------------
// HTTPS policy hosts, reached through the bed's DNS

interface Fetched {
  status?: number;
  type?: string;
  location?: string;
  body?: string;
  error?: string;
}
/** GET https://HOST/PATH, HOST's address from the bed's resolver, trusting the test CA. */
async function fetchHttps(host: string, urlPath: string): Promise<Fetched> {
  const resolver = new Resolver();
  resolver.setServers([bed.dns]);
  const [address] = await resolver.resolve4(host);
  return new Promise((resolve) => {
    const req = https.get(
      {
        host: address,
        port: 443,
        path: urlPath,
        servername: host,
        headers: { host },
        ca,
        timeout: 5000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            type: res.headers['content-type'],
            location: res.headers.location,
            body,
          }),
        );
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
  });
}
const fetchPolicy = (domain: string): Promise<Fetched> =>
  fetchHttps(`mta-sts.${domain}`, '/.well-known/mta-sts.txt');

describe('MTA-STS policy hosts', () => {
  const ok = (mode: string, mx: string) => async (domain: string) => {
    const r = await fetchPolicy(domain);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain/);
    expect(r.body).toMatch(/^version: STSv1\r\n/);
    expect(r.body).toContain(`mode: ${mode}\r\n`);
    expect(r.body).toContain(`mx: ${mx}\r\n`);
    expect(r.body).toMatch(/max_age: \d+/);
  };
  test('enforce', () => ok('enforce', `mx.sts-enforce.${Z}`)(`sts-enforce.${Z}`));
  test('wildcard', () => ok('enforce', `*.sts-wildcard.${Z}`)(`sts-wildcard.${Z}`));
  test('testing', () => ok('testing', `mx.sts-testing.${Z}`)(`sts-testing.${Z}`));
  test('none', () => ok('none', `mx.sts-none.${Z}`)(`sts-none.${Z}`));
  test('mx mismatch', () => ok('enforce', `mx.elsewhere.${Z}`)(`sts-mx-mismatch.${Z}`));
  test('mx bad certificate: the policy itself is fine', () =>
    ok('enforce', `mx.sts-mx-badcert.${Z}`)(`sts-mx-badcert.${Z}`));

  test('redirect: 301 to a good policy', async () => {
    const r = await fetchPolicy(`sts-redirect.${Z}`);
    expect(r.status).toBe(301);
    expect(r.location).toBe(`https://mta-sts.sts-enforce.${Z}/.well-known/mta-sts.txt`);
  });
  test('wrong Content-Type', async () => {
    const r = await fetchPolicy(`sts-content-type.${Z}`);
    expect(r.status).toBe(200);
    expect(r.type).toBe('text/html');
    expect(r.body).toContain('mode: enforce');
  });
  test('oversize: more than 64 KiB', async () => {
    const r = await fetchPolicy(`sts-oversize.${Z}`);
    expect(r.status).toBe(200);
    expect(Buffer.byteLength(r.body ?? '')).toBeGreaterThan(64 * 1024);
  });
  test('host with a self-signed certificate', async () => {
    expect((await fetchPolicy(`sts-host-badcert.${Z}`)).error).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });
  test('host with a certificate for another name', async () => {
    expect((await fetchPolicy(`sts-host-wrongname.${Z}`)).error).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// posttls-finger as an independent reference (through the bed's unbound, in a private mount namespace)

describe('posttls-finger', () => {
  const finger = (domain: string, level = 'dane') =>
    spawnSync(path.join(HERE, 'posttls-finger.sh'), [domain, level], { encoding: 'utf8', timeout: 60_000 });

  test('unshare can give a process its own resolv.conf here', () => {
    const r = spawnSync(
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        'sh',
        '-c',
        `mount --bind ${bed.caFile} /etc/resolv.conf && head -c 27 /etc/resolv.conf`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stdout).toBe('-----BEGIN CERTIFICATE-----');
    expect(fs.readFileSync('/etc/resolv.conf', 'utf8')).not.toContain('BEGIN CERTIFICATE');
  });

  test('dane-ee: verified by DANE-EE', () => {
    const r = finger(`dane-ee.${Z}`);
    expect(r.stderr + r.stdout).toMatch(/Matched DANE EE/);
    expect(r.stderr + r.stdout).toMatch(
      /Verified TLS connection established to mx\.dane-ee\.sendguard\.test/,
    );
  }, 70_000);

  test('dane-ta: verified by DANE-TA', () => {
    const r = finger(`dane-ta.${Z}`);
    expect(r.stderr + r.stdout).toMatch(/Matched DANE TA/);
    expect(r.stderr + r.stdout).toMatch(/Verified TLS connection established/);
  }, 70_000);

  test('dane-mismatch: no matching TLSA record', () => {
    const r = finger(`dane-mismatch.${Z}`);
    expect(r.stderr + r.stdout).toMatch(/no matching DANE TLSA records/);
    expect(r.stderr + r.stdout).not.toMatch(/Verified TLS connection/);
  }, 70_000);
});

// ---------------------------------------------------------------------------------------------------------------
// Edge states and hostile input

/** dig's status line, answer records (RRSIGs left out) and message size, with any extra options. */
function digWith(options: string[], server: string, name: string, type: string) {
  const run = spawnSync('dig', ['+time=2', '+tries=1', ...options, `@${ip(server)}`, name, type], {
    encoding: 'utf8',
  });
  const section = /;; ANSWER SECTION:\n([\s\S]*?)\n\n/.exec(run.stdout)?.[1] ?? '';
  return {
    status: /status: (\w+)/.exec(run.stdout)?.[1] ?? (/timed out/.test(run.stdout) ? 'TIMEOUT' : 'NONE'),
    answer: section.split('\n').filter((l) => l && !/\sRRSIG\s/.test(l)),
    size: Number(/MSG SIZE\s+rcvd: (\d+)/.exec(run.stdout)?.[1] ?? 0),
  };
}

describe('edge-state and hostile cases, as the bed serves them', () => {
  test('tlsa-bogus: MX and address secure, the TLSA answer SERVFAIL, and there with checking disabled', () => {
    expect(dig(`tlsa-bogus.${Z}`, 'MX')).toMatchObject({ status: 'NOERROR', ad: true });
    expect(dig(`mx.tlsa-bogus.${Z}`, 'A')).toMatchObject({ status: 'NOERROR', ad: true });
    expect(dig(`_25._tcp.mx.tlsa-bogus.${Z}`, 'TLSA').status).toBe('SERVFAIL');
    const unchecked = digWith(['+cd'], bed.dns, `_25._tcp.mx.tlsa-bogus.${Z}`, 'TLSA');
    expect(unchecked.status).toBe('NOERROR');
    expect(unchecked.answer.join('\n')).toMatch(/TLSA\s+3 1 1 /);
  });

  test('dane-unusable: secure TLSA records of usage 1 and a 3 1 1 eight bytes long only', () => {
    const tlsa = dig(`_25._tcp.mx.dane-unusable.${Z}`, 'TLSA');
    expect(tlsa).toMatchObject({ status: 'NOERROR', ad: true });
    expect(
      tlsa.answer
        .map((l) =>
          l
            .replace(/^.*TLSA\s+/, '')
            .split(' ')
            .slice(0, 3)
            .join(' '),
        )
        .sort(),
    ).toEqual(['1 1 1', '3 1 1']);
    expect(tlsa.answer.join('\n')).toMatch(/3 1 1 0123456789ABCDEF$/im);
  });

  test('txt-huge: _mta-sts and _smtp._tls TXT records over 50 KB each, signed', () => {
    for (const name of [`_mta-sts.txt-huge.${Z}`, `_smtp._tls.txt-huge.${Z}`]) {
      const txt = digWith(['+dnssec'], bed.dns, name, 'TXT');
      expect([name, txt.status, txt.size > 50_000]).toEqual([name, 'NOERROR', true]);
    }
  });

  test('many-addresses: 400 A records, and nothing listens on them', async () => {
    const a = digWith([], bed.dns, `mx.many-addresses.${Z}`, 'A');
    expect(a.answer).toHaveLength(400);
    const first = a.answer[0]!.split(/\s+/).at(-1)!;
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: first, port: 25 });
      socket.once('connect', () => resolve('connected'));
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  test('the stalling DNS server takes queries over UDP and TCP and answers none', async () => {
    expect(digWith([], bed.dnsStall, `tls-valid.${Z}`, 'MX').status).toBe('TIMEOUT');
    expect(digWith(['+tcp'], bed.dnsStall, `tls-valid.${Z}`, 'MX').status).toBe('TIMEOUT');
  });

  test('the stalling policy host completes TLS with a valid certificate and never answers', async () => {
    const resolver = new Resolver();
    resolver.setServers([bed.dns]);
    const host = `mta-sts.stall-sts.${Z}`;
    const [address] = await resolver.resolve4(host);
    const socket = tls.connect({ host: address, port: 443, servername: host, ca });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('secureConnect', () => resolve());
        socket.once('error', reject);
      });
      expect(socket.authorized).toBe(true);
      let received = 0;
      socket.on('data', (d: Buffer) => (received += d.length));
      socket.write(`GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      await new Promise((r) => setTimeout(r, 1500));
      expect({ received, open: !socket.destroyed }).toEqual({ received: 0, open: true });
    } finally {
      socket.destroy();
    }
  });

  test('hostile policies: within 64 KiB, one with an mx line of 60,000 spaces and a lone CR, one of long lines', async () => {
    const pathological = await fetchPolicy(`sts-pathological.${Z}`);
    expect(pathological.status).toBe(200);
    expect(Buffer.byteLength(pathological.body ?? '')).toBeLessThan(64 * 1024);
    expect(pathological.body).toContain(`mx:${' '.repeat(60_000)}\rx\r\n`);
    const long = await fetchPolicy(`sts-long-lines.${Z}`);
    const lines = (long.body ?? '').split('\r\n').filter((l) => l.length >= 1000);
    expect(lines).toHaveLength(60);
    expect(lines.every((l) => !l.includes(':'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Mailbox access: the Dovecot instances, their SRV records and the autoconfig files

interface MailboxCase {
  domain: string;
  verdict: string;
  note: string;
}
const MAILBOX_DOMAINS = [
  'mbx-tls-only',
  'mbx-tls-offered',
  'mbx-plaintext',
  'mbx-expired',
  'mbx-autoconfig',
  'mbx-wellknown',
  'mbx-mixed',
  'mbx-none',
  'mbx-srv-dot',
  'mbx-unreachable',
  'mbx-google',
].map((d) => `${d}.${Z}`);
const SRV_SERVICES = ['imaps', 'imap', 'pop3s', 'pop3', 'submissions', 'submission'];

type MailProtocol = 'imap' | 'pop3' | 'submission';
/** How each protocol greets, lists its capabilities and starts TLS, and where each reply ends. */
const DIALOGUES: Record<
  MailProtocol,
  { greeting: RegExp; capabilities: [string, RegExp]; starttls: [string, RegExp] }
> = {
  // Right after a start Dovecot may first say "* OK Waiting for authentication process to respond.."; the real
  // greeting follows.
  imap: {
    greeting: /^\* OK \[CAPABILITY [^\n]*\n/m,
    capabilities: ['c CAPABILITY', /^c (OK|NO|BAD)[^\n]*\n/m],
    starttls: ['s STARTTLS', /^s (OK|NO|BAD)[^\n]*\n/m],
  },
  pop3: {
    greeting: /^\+OK[^\n]*\n/m,
    capabilities: ['CAPA', /^(\.|-ERR[^\n]*)\r\n/m],
    starttls: ['STLS', /^(\+OK|-ERR)[^\n]*\n/m],
  },
  submission: {
    greeting: /^220 [^\n]*\n/m,
    capabilities: ['EHLO probe.sendguard.test', /^\d{3} [^\n]*\n/m],
    starttls: ['STARTTLS', /^\d{3} [^\n]*\n/m],
  },
};
const STARTTLS_ACCEPTED = /^(s OK|\+OK|220 )/;

/** The capability words (IMAP) or lines (POP3 CAPA, EHLO keywords) of a reply. */
function capabilityList(protocol: MailProtocol, reply: string): string[] {
  const lines = reply.split('\r\n').filter(Boolean);
  if (protocol === 'imap')
    return (lines.find((l) => l.startsWith('* CAPABILITY ')) ?? '').split(' ').slice(2);
  if (protocol === 'pop3') return lines.slice(1, -1);
  return lines.slice(1).map((l) => l.slice(4)); // the first 250 line names the host
}

/** One conversation with a mail server: a line out, a reply in (complete when its `end` matches). */
class MailSession {
  private data = '';
  private wake: (() => void) | undefined;

  private constructor(private socket: net.Socket) {
    this.listen(socket);
  }

  static async open(hostPort: string, implicitTlsName?: string): Promise<MailSession> {
    const options = { host: ip(hostPort), port: Number(hostPort.split(':')[1]) };
    const socket = implicitTlsName
      ? tls.connect({ ...options, servername: implicitTlsName, ca, rejectUnauthorized: false })
      : net.connect(options);
    await once(socket, implicitTlsName ? 'secureConnect' : 'connect');
    return new MailSession(socket);
  }

  private listen(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.data += chunk.toString('latin1');
      this.wake?.();
    });
    socket.on('error', () => {});
  }

  read(end: RegExp): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        reject(new Error(`no complete reply in 5 s; got ${JSON.stringify(this.data)}`));
      }, 5000);
      this.wake = () => {
        const m = end.exec(this.data);
        if (!m) return;
        clearTimeout(timer);
        this.wake = undefined;
        const reply = this.data.slice(0, m.index + m[0].length);
        this.data = this.data.slice(reply.length);
        resolve(reply);
      };
      this.wake();
    });
  }

  ask(line: string, end: RegExp): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.read(end);
  }

  async starttls(servername: string): Promise<void> {
    this.socket.removeAllListeners('data');
    const secure = tls.connect({ socket: this.socket, servername, ca, rejectUnauthorized: false });
    await once(secure, 'secureConnect');
    this.socket = secure;
    this.listen(secure);
  }

  /** The certificate as a client checks it: chain to the test CA, and the name. */
  certificate(servername: string): { authorizationError?: string; identityError?: string; validTo: string } {
    const secure = this.socket as tls.TLSSocket;
    const cert = secure.getPeerCertificate();
    return {
      authorizationError: secure.authorizationError ? String(secure.authorizationError) : undefined,
      identityError: tls.checkServerIdentity(servername, cert)?.message,
      validTo: cert.valid_to,
    };
  }

  close(): void {
    this.socket.destroy();
  }
}

interface MailboxProbe {
  greeting: string;
  /** Capabilities before TLS (absent on implicit TLS). */
  plain?: string[];
  starttlsReply?: string;
  /** Capabilities over TLS (after STARTTLS, or on implicit TLS). */
  overTls?: string[];
  certificate?: ReturnType<MailSession['certificate']>;
}

/** Greeting and capabilities, then — on implicit TLS, or when STARTTLS is accepted — the same over TLS. */
async function probeMailbox(
  protocol: MailProtocol,
  hostPort: string | undefined,
  servername: string,
  implicitTls = false,
): Promise<MailboxProbe> {
  if (!hostPort) throw new Error(`bed.json names no ${protocol} listener for ${servername}`);
  const d = DIALOGUES[protocol];
  const session = await MailSession.open(hostPort, implicitTls ? servername : undefined);
  try {
    const greeting = await session.read(d.greeting);
    const capabilities = async () => capabilityList(protocol, await session.ask(...d.capabilities));
    if (implicitTls) {
      return { greeting, overTls: await capabilities(), certificate: session.certificate(servername) };
    }
    const plain = await capabilities();
    const starttlsReply = await session.ask(...d.starttls);
    if (!STARTTLS_ACCEPTED.test(starttlsReply)) return { greeting, plain, starttlsReply };
    await session.starttls(servername);
    const overTls = await capabilities();
    return { greeting, plain, starttlsReply, overTls, certificate: session.certificate(servername) };
  } finally {
    session.close();
  }
}

const VALID_CERTIFICATE = { authorizationError: undefined, identityError: undefined };
const refused = (hostPort: string): Promise<string> =>
  new Promise((resolve) => {
    const socket = net.connect({ host: ip(hostPort), port: Number(hostPort.split(':')[1]) });
    socket.setTimeout(2000, () => socket.destroy(new Error('ETIMEDOUT')));
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
const mailbox = (instance: string, listener: string): string | undefined => bed.mailbox[instance]?.[listener];

describe('mailbox-cases.json', () => {
  test('one entry per mailbox domain of the bed, every verdict a vocabulary word, each word used', () => {
    const mailboxCases: MailboxCase[] = JSON.parse(fs.readFileSync(bed.mailboxCasesFile, 'utf8'));
    expect(mailboxCases.map((c) => c.domain).sort()).toEqual([...MAILBOX_DOMAINS].sort());
    for (const c of mailboxCases) {
      expect(MAILBOX_ACCESS_VERDICTS).toContain(c.verdict);
      expect(c.note.length).toBeGreaterThan(30);
    }
    expect([...new Set(mailboxCases.map((c) => c.verdict))].sort()).toEqual(
      [...MAILBOX_ACCESS_VERDICTS].sort(),
    );
  });
});

describe('Dovecot: one instance per way of reaching a mailbox', () => {
  test('bed.json: each instance on its own loopback address, every listener on it', () => {
    const addresses = Object.values(bed.mailbox).map((listeners) => [
      ...new Set(Object.values(listeners).map(ip)),
    ]);
    for (const one of addresses) expect(one).toHaveLength(1);
    expect(new Set(addresses.flat()).size).toBe(4);
    for (const a of addresses.flat()) expect(a).toMatch(/^127\.143\.\d+\.\d+$/);
  });

  test('tls-only, IMAP 143: STARTTLS and LOGINDISABLED before TLS, logins offered only after it', async () => {
    const p = await probeMailbox('imap', mailbox('tls-only', 'imap'), `imap.mbx-tls-only.${Z}`);
    expect(p.plain).toEqual(expect.arrayContaining(['STARTTLS', 'LOGINDISABLED']));
    expect(p.plain?.filter((w) => w.startsWith('AUTH='))).toEqual([]);
    expect(p.starttlsReply).toMatch(/^s OK/);
    expect(p.overTls).toEqual(expect.arrayContaining(['AUTH=PLAIN', 'AUTH=LOGIN']));
    expect(p.overTls).not.toContain('LOGINDISABLED');
    expect(p.certificate).toMatchObject(VALID_CERTIFICATE);
  });

  test('tls-only, POP3 110: STLS, and neither USER nor a SASL mechanism before it', async () => {
    const p = await probeMailbox('pop3', mailbox('tls-only', 'pop3'), `pop.mbx-tls-only.${Z}`);
    expect(p.plain).toContain('STLS');
    expect(p.plain).not.toContain('USER');
    // Dovecot still lists SASL, with no mechanism after it.
    expect(p.plain?.filter((l) => l.startsWith('SASL'))).toEqual(['SASL']);
    expect(p.overTls).toEqual(expect.arrayContaining(['USER', 'SASL PLAIN LOGIN']));
    expect(p.certificate).toMatchObject(VALID_CERTIFICATE);
  });

  test('tls-only, submission 587: STARTTLS and no AUTH before it, AUTH after', async () => {
    const p = await probeMailbox('submission', mailbox('tls-only', 'submission'), `smtp.mbx-tls-only.${Z}`);
    expect(p.plain).toContain('STARTTLS');
    expect(p.plain?.filter((k) => k.startsWith('AUTH'))).toEqual([]);
    expect(p.overTls).toContain('AUTH PLAIN LOGIN');
    expect(p.certificate).toMatchObject(VALID_CERTIFICATE);
  });

  test('tls-only, implicit TLS on 993, 995 and 465: a valid certificate, logins offered inside', async () => {
    const imaps = await probeMailbox('imap', mailbox('tls-only', 'imaps'), `imap.mbx-tls-only.${Z}`, true);
    expect(imaps.overTls).toContain('AUTH=PLAIN');
    const pop3s = await probeMailbox('pop3', mailbox('tls-only', 'pop3s'), `pop.mbx-tls-only.${Z}`, true);
    expect(pop3s.overTls).toContain('USER');
    const submissions = await probeMailbox(
      'submission',
      mailbox('tls-only', 'submissions'),
      `smtp.mbx-tls-only.${Z}`,
      true,
    );
    expect(submissions.overTls).toContain('AUTH PLAIN LOGIN');
    for (const p of [imaps, pop3s, submissions]) expect(p.certificate).toMatchObject(VALID_CERTIFICATE);
  });

  test('tls-only: its certificate names every host the autoconfig and mixed cases point at it', async () => {
    for (const name of [
      `imap.mbx-autoconfig.${Z}`,
      `smtp.mbx-autoconfig.${Z}`,
      `imap.mbx-wellknown.${Z}`,
      `imap.mbx-mixed.${Z}`,
    ]) {
      const p = await probeMailbox('imap', mailbox('tls-only', 'imaps'), name, true);
      expect([name, p.certificate]).toEqual([name, expect.objectContaining(VALID_CERTIFICATE)]);
    }
  });

  test('tls-only: the test user logs in over TLS; a password before TLS is refused', async () => {
    const { user, password } = bed.mailboxLogin;
    const plain = await MailSession.open(mailbox('tls-only', 'imap') ?? '');
    try {
      await plain.read(DIALOGUES.imap.greeting);
      expect(await plain.ask(`l LOGIN ${user} ${password}`, /^l (OK|NO|BAD)[^\n]*\n/m)).toMatch(/^l NO /m);
    } finally {
      plain.close();
    }
    const secure = await MailSession.open(mailbox('tls-only', 'imaps') ?? '', `imap.mbx-tls-only.${Z}`);
    try {
      await secure.read(DIALOGUES.imap.greeting);
      expect(await secure.ask(`l LOGIN ${user} ${password}`, /^l (OK|NO|BAD)[^\n]*\n/m)).toMatch(/^l OK /m);
    } finally {
      secure.close();
    }
  });

  test('tls-offered: STARTTLS offered, and a password accepted before it on IMAP, POP3 and submission', async () => {
    const imap = await probeMailbox('imap', mailbox('tls-offered', 'imap'), `imap.mbx-tls-offered.${Z}`);
    expect(imap.plain).toEqual(expect.arrayContaining(['STARTTLS', 'AUTH=PLAIN']));
    expect(imap.plain).not.toContain('LOGINDISABLED');
    expect(imap.certificate).toMatchObject(VALID_CERTIFICATE);
    const pop3 = await probeMailbox('pop3', mailbox('tls-offered', 'pop3'), `pop.mbx-tls-offered.${Z}`);
    expect(pop3.plain).toEqual(expect.arrayContaining(['STLS', 'USER', 'SASL PLAIN LOGIN']));
    expect(pop3.certificate).toMatchObject(VALID_CERTIFICATE);
    const submission = await probeMailbox(
      'submission',
      mailbox('tls-offered', 'submission'),
      `smtp.mbx-tls-offered.${Z}`,
    );
    expect(submission.plain).toEqual(expect.arrayContaining(['STARTTLS', 'AUTH PLAIN LOGIN']));
    // Not only advertised: the login really succeeds in plaintext.
    const { user, password } = bed.mailboxLogin;
    const session = await MailSession.open(mailbox('tls-offered', 'imap') ?? '');
    try {
      await session.read(DIALOGUES.imap.greeting);
      expect(await session.ask(`l LOGIN ${user} ${password}`, /^l (OK|NO|BAD)[^\n]*\n/m)).toMatch(/^l OK /m);
    } finally {
      session.close();
    }
  });

  test('plaintext: no STARTTLS on IMAP, no STLS on POP3, both refuse it when asked; logins offered in the clear', async () => {
    const imap = await probeMailbox('imap', mailbox('plaintext', 'imap'), `imap.mbx-plaintext.${Z}`);
    expect(imap.plain).not.toContain('STARTTLS');
    expect(imap.plain).toContain('AUTH=PLAIN');
    expect(imap.starttlsReply).toMatch(/^s BAD /);
    const pop3 = await probeMailbox('pop3', mailbox('plaintext', 'pop3'), `pop.mbx-plaintext.${Z}`);
    expect(pop3.plain).not.toContain('STLS');
    expect(pop3.plain).toContain('USER');
    expect(pop3.starttlsReply).toMatch(/^-ERR /);
  });

  test('expired: TLS required (LOGINDISABLED), the certificate from the test CA for the right name, expired in 2020', async () => {
    const name = `imap.mbx-expired.${Z}`;
    const imap = await probeMailbox('imap', mailbox('expired', 'imap'), name);
    expect(imap.plain).toEqual(expect.arrayContaining(['STARTTLS', 'LOGINDISABLED']));
    const imaps = await probeMailbox('imap', mailbox('expired', 'imaps'), name, true);
    for (const p of [imap, imaps]) {
      expect(p.certificate).toMatchObject({
        authorizationError: 'CERT_HAS_EXPIRED',
        identityError: undefined,
      });
      expect(p.certificate?.validTo).toMatch(/ 2020 GMT$/);
    }
  });

  test('listeners an instance does not serve are refused, as is the unreachable case address', async () => {
    const at = (instance: string, port: number) =>
      `${ip(Object.values(bed.mailbox[instance] ?? {})[0])}:${port}`;
    for (const hostPort of [
      at('tls-offered', 993),
      at('tls-offered', 995),
      at('plaintext', 993),
      at('plaintext', 587),
      at('expired', 110),
      `${bed.mailboxRefused}:993`,
    ])
      expect([hostPort, await refused(hostPort)]).toEqual([hostPort, 'ECONNREFUSED']);
  });
});

describe('mailbox DNS: RFC 6186 SRV records, signed', () => {
  /** SRV answers of NAME as "port target", AD checked. */
  const srv = (name: string): string[] => {
    const a = dig(name, 'SRV');
    expect([name, a.status, a.ad]).toEqual([name, 'NOERROR', true]);
    return a.answer.map((l) => l.split(/\s+/).slice(-2).join(' '));
  };
  /** A service not advertised: no such name, and the denial signed. */
  const noSrv = (name: string) =>
    expect([name, dig(name, 'SRV')]).toEqual([
      name,
      expect.objectContaining({ status: 'NXDOMAIN', ad: true }),
    ]);
  const addressOf = (host: string): string => {
    const a = dig(host, 'A');
    expect([host, a.ad]).toEqual([host, true]);
    return a.answer.map((l) => l.split(/\s+/).pop()).join(',');
  };
  const servedAt = (domain: string, services: string[], instanceIp: string) => {
    const hosts = { imap: 'imap', pop3: 'pop', submission: 'smtp' } as Record<string, string>;
    for (const s of services) {
      const host = `${hosts[s.replace(/s$/, '')]}.${domain}`;
      const port = { imaps: 993, imap: 143, pop3s: 995, pop3: 110, submissions: 465, submission: 587 }[s];
      expect(srv(`_${s}._tcp.${domain}`)).toEqual([`${port} ${host}.`]);
      expect([host, addressOf(host)]).toEqual([host, instanceIp]);
    }
    for (const s of SRV_SERVICES.filter((x) => !services.includes(x))) noSrv(`_${s}._tcp.${domain}`);
  };
  const instanceIp = (name: string) => ip(Object.values(bed.mailbox[name] ?? {})[0]);

  test('each instance case: an SRV record per service it serves, to a host at that instance, and none else', () => {
    servedAt(`mbx-tls-only.${Z}`, SRV_SERVICES, instanceIp('tls-only'));
    servedAt(`mbx-tls-offered.${Z}`, ['imap', 'pop3', 'submission'], instanceIp('tls-offered'));
    servedAt(`mbx-plaintext.${Z}`, ['imap', 'pop3'], instanceIp('plaintext'));
    servedAt(`mbx-expired.${Z}`, ['imaps', 'imap'], instanceIp('expired'));
  });

  test('mixed: imaps at the tls-only instance, pop3 at the plaintext one', () => {
    const d = `mbx-mixed.${Z}`;
    expect(srv(`_imaps._tcp.${d}`)).toEqual([`993 imap.${d}.`]);
    expect(addressOf(`imap.${d}`)).toBe(instanceIp('tls-only'));
    expect(srv(`_pop3._tcp.${d}`)).toEqual([`110 pop.${d}.`]);
    expect(addressOf(`pop.${d}`)).toBe(instanceIp('plaintext'));
  });

  test('srv-dot: all six services "0 0 0 ." (not offered)', () => {
    for (const s of SRV_SERVICES) {
      const a = dig(`_${s}._tcp.mbx-srv-dot.${Z}`, 'SRV');
      expect(a.ad).toBe(true);
      expect(a.answer.join('\n')).toMatch(/SRV\s+0 0 0 \.$/);
    }
  });

  test('unreachable: _imaps to a host where nothing listens', () => {
    const d = `mbx-unreachable.${Z}`;
    expect(srv(`_imaps._tcp.${d}`)).toEqual([`993 imap.${d}.`]);
    expect(addressOf(`imap.${d}`)).toBe(bed.mailboxRefused);
  });

  test('none, autoconfig, wellknown and google: no SRV record at all; the MX each has', () => {
    for (const d of ['mbx-none', 'mbx-autoconfig', 'mbx-wellknown', 'mbx-google'])
      for (const s of SRV_SERVICES) noSrv(`_${s}._tcp.${d}.${Z}`);
    expect(dig(`mbx-google.${Z}`, 'MX').answer.join('\n')).toMatch(/MX\s+1 aspmx\.l\.google\.com\.$/);
    expect(addressOf(`mx.mbx-none.${Z}`)).toBe(smtp('good'));
  });
});

describe('mailbox autoconfig files on the HTTPS host', () => {
  test('autoconfig.mbx-autoconfig: IMAP SSL 993 and SMTP STARTTLS 587, hosts at the tls-only instance', async () => {
    const r = await fetchHttps(
      `autoconfig.mbx-autoconfig.${Z}`,
      '/mail/config-v1.1.xml?emailaddress=someone%40mbx-autoconfig.sendguard.test',
    );
    expect(r).toMatchObject({ status: 200, type: 'text/xml; charset=utf-8' });
    expect(r.body).toContain(
      `<hostname>imap.mbx-autoconfig.${Z}</hostname>\n      <port>993</port>\n      <socketType>SSL</socketType>`,
    );
    expect(r.body).toContain(
      `<hostname>smtp.mbx-autoconfig.${Z}</hostname>\n      <port>587</port>\n      <socketType>STARTTLS</socketType>`,
    );
    expect(dig(`imap.mbx-autoconfig.${Z}`, 'A').answer.join()).toContain(ip(mailbox('tls-only', 'imap')));
    expect(
      (await fetchHttps(`autoconfig.mbx-autoconfig.${Z}`, '/.well-known/autoconfig/mail/config-v1.1.xml'))
        .status,
    ).toBe(404);
  });

  test('mbx-wellknown/.well-known/autoconfig: a pop3 "plain" entry at the plaintext instance', async () => {
    const r = await fetchHttps(`mbx-wellknown.${Z}`, '/.well-known/autoconfig/mail/config-v1.1.xml');
    expect(r.status).toBe(200);
    expect(r.body).toContain(
      `<incomingServer type="pop3">\n      <hostname>pop.mbx-wellknown.${Z}</hostname>\n      <port>110</port>\n      <socketType>plain</socketType>`,
    );
    expect(dig(`pop.mbx-wellknown.${Z}`, 'A').answer.join()).toContain(ip(mailbox('plaintext', 'pop3')));
  });

  test('no other mailbox domain has an autoconfig host', () => {
    for (const d of MAILBOX_DOMAINS.filter((x) => !x.startsWith('mbx-autoconfig.')))
      expect([d, dig(`autoconfig.${d}`, 'A').status]).toEqual([d, 'NXDOMAIN']);
  });
});
