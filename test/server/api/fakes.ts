/**
 * Fakes of the service interfaces (STYLE habit 5) and a fresh app per test. Each fake counts its calls, can be
 * held back until a test releases it, and keeps what it found in its own cache, as the real services do.
 */
import { SendguardError } from '../../../src/core/errors';
import type { MailboxAccessVerdict } from '../../../src/core/vocabulary';
import type { DomainAssessment, KeyAssessment, MailboxAccessAssessment } from '../../../src/core/wire';
import { buildApp, type AppDeps } from '../../../src/server/app';
import { issueApiToken } from '../../../src/server/auth/api-tokens';
import { parseConfig } from '../../../src/server/config/load';
import type { ConfigInput } from '../../../src/server/config/schema';
import type { LogDestination } from '../../../src/server/observability/logging';
import type {
  KeyAcceptance,
  KeyInspector,
  KeyService,
  LookupOptions,
  MailboxAccessService,
  TransportService,
} from '../../../src/server/services';
import { openMemoryStore } from '../../../src/server/store/memory';
import type { Pin } from '../../../src/server/store/store';
import { defaultPolicy } from '../../helpers/policy';

export const FINGERPRINT = 'ABCDEF0123456789ABCDEF0123456789ABCDEF01';
export const ARMORED =
  '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ...\n-----END PGP PUBLIC KEY BLOCK-----\n';

/** A promise a test settles when it wants to: the way to hold a check past the deadline. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

abstract class FakeService<T> {
  readonly calls: string[] = [];
  readonly cache = new Map<string, T>();
  readonly signals: AbortSignal[] = [];
  /** Checks of these keys wait for the gate. */
  readonly held = new Map<string, Promise<void>>();
  /** Settled when a held check has finished and cached its answer. */
  readonly finished = new Map<string, Promise<void>>();

  protected async run(key: string, opts: LookupOptions, answer: () => T): Promise<T> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    this.calls.push(key);
    this.signals.push(opts.signal);
    const work = (async () => {
      await this.held.get(key);
      const value = answer();
      this.cache.set(key, value);
      return value;
    })();
    this.finished.set(
      key,
      work.then(() => undefined),
    );
    return work;
  }
}

export class FakeTransport extends FakeService<DomainAssessment> implements TransportService {
  constructor(private readonly verdicts: Record<string, DomainAssessment['verdict']> = {}) {
    super();
  }

  assess(domain: string, opts: LookupOptions): Promise<DomainAssessment> {
    if (domain === 'explodes.example')
      return Promise.reject(new Error('resolver crashed for explodes.example'));
    return this.run(domain, opts, () => ({
      domain,
      verdict: this.verdicts[domain] ?? 'encrypted',
      reasons: ['every MX offers TLS 1.2 or later; nothing authenticates it'],
      checkedAt: '2025-01-01T00:00:00.000Z',
      evidence: { mx: [{ host: `mx.${domain}`, starttls: true }] },
    }));
  }
}

/** Mailbox access by domain (`tls-only` unless told), with the evidence a full report carries; kept once found. */
export class FakeMailbox extends FakeService<MailboxAccessAssessment> implements MailboxAccessService {
  constructor(private readonly verdicts: Record<string, MailboxAccessVerdict> = {}) {
    super();
  }

  assess(domain: string, opts: LookupOptions): Promise<MailboxAccessAssessment> {
    if (domain === 'explodes.example') return Promise.reject(new Error('probe crashed for explodes.example'));
    const verdict = this.verdicts[domain] ?? 'tls-only';
    return this.run(domain, opts, () => ({
      verdict,
      reasons: [
        verdict === 'tls-only'
          ? `imap.${domain}:993 requires TLS`
          : `imap.${domain}:143 accepts a password before STARTTLS`,
      ],
      checkedAt: '2025-01-01T00:00:00.000Z',
      evidence: { endpoints: [{ protocol: 'imap', host: `imap.${domain}`, port: 993 }] },
    }));
  }

  kept(domain: string): MailboxAccessAssessment | undefined {
    return this.cache.get(domain);
  }
}

export class FakeKeys extends FakeService<KeyAssessment> implements KeyService {
  constructor(private readonly withKey: string[] = []) {
    super();
  }

  lookup(address: string, opts: LookupOptions): Promise<KeyAssessment> {
    const found = this.withKey.includes(address);
    return this.run(address, opts, () =>
      found
        ? {
            address,
            verdict: 'valid',
            source: 'wkd',
            fingerprint: FINGERPRINT,
            reasons: [],
            armoredKey: ARMORED,
          }
        : { address, verdict: 'none', reasons: ['no key published'] },
    );
  }

  /** Accepts the one key it serves; anything else is what it finds now. */
  async accept(
    address: string,
    fingerprint: string,
    _by: string,
    opts: LookupOptions,
  ): Promise<KeyAcceptance> {
    const found = await this.lookup(address, opts);
    return found.fingerprint === fingerprint ? { accepted: true, key: found } : { accepted: false, found };
  }

  /** Pins by address as given, first seen at the epoch; the address's cached answer is dropped. */
  readonly pins = new Map<string, Pin>();

  async pin(address: string, fingerprint: string, by: string): Promise<Pin> {
    const pin = { address, fingerprint, firstSeen: new Date(0).toISOString(), acceptedBy: by };
    this.pins.set(address, pin);
    await this.forget([address]);
    return pin;
  }

  async forget(addresses: readonly string[]): Promise<void> {
    for (const address of addresses) this.cache.delete(address);
  }
}

export const fakeInspector: KeyInspector = {
  async inspect(armoredKey) {
    if (!armoredKey.includes('BEGIN PGP PUBLIC KEY BLOCK')) {
      throw new SendguardError('KEY_UNREADABLE', 'not an OpenPGP key');
    }
    return { fingerprint: FINGERPRINT, addresses: ['Ann@Partner.example', 'ann@partner.example'] };
  },
};

/** Collects log lines for assertions about what is (not) logged. */
export function logCollector(): LogDestination & { lines: string[]; text: () => string } {
  const lines: string[] = [];
  return { lines, write: (line) => void lines.push(line), text: () => lines.join('') };
}

export interface TestApp {
  config: ConfigInput;
  deps: Partial<AppDeps>;
}

/**
 * For route-level tests through `inject()`: dev mode unless a test sets `auth`; logging silent unless a test
 * passes a stream. Tests that reach the service over HTTP, as a client does, use {@link deployedTestApp}.
 */
export async function testApp({ config = {}, deps = {} }: Partial<TestApp> = {}) {
  const fakeTransport = new FakeTransport();
  const fakeKeys = new FakeKeys(['ann@partner.example']);
  const fullDeps: AppDeps = {
    store: openMemoryStore(),
    policy: defaultPolicy(),
    transport: fakeTransport,
    keys: fakeKeys,
    keyInspector: fakeInspector,
    ...deps,
  };
  const app = await buildApp(
    parseConfig({
      auth: { devNoAuth: true },
      tls: { enabled: false },
      logLevel: deps.logStream ? 'info' : 'silent',
      ...config,
    }),
    fullDeps,
  );
  return { app, ...fullDeps, fakeTransport, fakeKeys };
}

/** As an admin deploys it: API tokens required (no dev mode), with one sender's and one admin's token issued. */
export async function deployedTestApp({ config = {}, deps = {} }: Partial<TestApp> = {}) {
  const built = await testApp({
    config: { ...config, auth: { ...config.auth, apiTokens: true, devNoAuth: false } },
    deps,
  });
  const { token } = await issueApiToken(built.store.tokens, { name: 'a sender', role: 'sender' });
  const admin = await issueApiToken(built.store.tokens, { name: 'an admin', role: 'admin' });
  return { ...built, token, authorization: `Bearer ${token}`, adminAuthorization: `Bearer ${admin.token}` };
}
