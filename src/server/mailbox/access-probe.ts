/**
 * The probe of one mail-access endpoint: how a mail client meets it. IMAP and POP3 are spoken here (greeting,
 * capabilities, STARTTLS/STLS, capabilities over TLS, goodbye; or TLS from the first byte on 993/995);
 * submission reuses the SMTP probe (EHLO, STARTTLS, or TLS from the first byte on 465). No credentials are sent;
 * the certificate is recorded (trust, name), never a reason to stop.
 *
 * Remote misbehaviour of any kind becomes an `outcome`; the promise rejects only for programming errors and, like
 * `fetch`, with the signal's reason when the caller aborts.
 */
import net from 'node:net';
import { systemClock, type Clock } from '../../core/clock';
import {
  phaseTimer,
  ProbeConnection,
  ProbeFailure,
  refusedAddress,
  type Dial,
  type ProbeOutcome,
} from '../net/probe-connection';
import { recordedHandshake, withLegacyRetry, type TlsProfile } from '../transport/recorded-tls';
import { probeSmtp } from '../transport/smtp-probe';
import { offersAuth } from '../transport/smtp-reply';
import type { TlsFacts } from '../transport/tls-facts';
import {
  imapDialect,
  pop3Dialect,
  type AccessPhase,
  type Dialect,
  type LineConnection,
} from './access-dialogue';
import { IMAP_LIMITS } from './imap-response';
import { POP3_LIMITS } from './pop3-response';
import type { AccessProtocol, AccessSecurity } from './report';
import { ResponseLines } from './response-lines';

export interface AccessTarget {
  protocol: AccessProtocol;
  /** The endpoint's host name (a lower-case A-label): SNI and the certificate's name are judged against it. */
  host: string;
  address: string;
  port: number;
  security: AccessSecurity;
}

export interface AccessProbeOptions {
  allowPrivateAddresses: boolean;
  /** Extra trust roots (PEM), trusted in addition to Node's bundled roots. */
  ca?: Buffer | string;
  /** The name a submission probe sends in EHLO. */
  heloName: string;
  /** The whole probe, end to end. */
  totalMs: number;
  signal?: AbortSignal;
  clock?: Clock;
  dial?: Dial;
}

export interface AccessProbeResult {
  address: string;
  outcome: ProbeOutcome;
  tls?: TlsFacts;
  /** STARTTLS/STLS offered before TLS; absent for implicit TLS. */
  starttls?: boolean;
  /** A password login offered before TLS; absent for implicit TLS. */
  plaintextLogin?: boolean;
  /** IMAP PREAUTH: the server let the client in without any login, before TLS. */
  preauth?: boolean;
  error?: { code: string; phase: string; message: string };
  timings: Record<string, number>;
}

/** Per step; each is also cut to what is left of `totalMs`. */
const STEP_MS = { connect: 10_000, greeting: 15_000, command: 10_000, tls: 10_000 };

export function probeAccess(target: AccessTarget, options: AccessProbeOptions): Promise<AccessProbeResult> {
  options.signal?.throwIfAborted();
  // The SMTP probe vets the address itself.
  if (target.protocol === 'submission') return probeSubmission(target, options);
  const refused = refusedAddress(target.address, options.allowPrivateAddresses);
  if (refused) {
    return Promise.resolve({ address: target.address, outcome: 'not-allowed', error: refused, timings: {} });
  }
  return probeLines(target, options, target.protocol === 'imap' ? imapDialect : pop3Dialect);
}

async function probeSubmission(
  target: AccessTarget,
  options: AccessProbeOptions,
): Promise<AccessProbeResult> {
  const { evidence } = await probeSmtp(
    {
      mxHostname: target.host,
      address: target.address,
      port: target.port,
      implicitTls: target.security === 'implicit',
    },
    {
      heloName: options.heloName,
      allowPrivateAddresses: options.allowPrivateAddresses,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      deadlines: { totalMs: options.totalMs },
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.dial ? { dial: options.dial } : {}),
    },
  );
  // The EHLO before TLS was answered: STARTTLS was seen in it, or the dialogue ended orderly without it.
  const plainDialogue =
    target.security !== 'implicit' && (evidence.starttls || evidence.outcome === 'no-starttls');
  return {
    address: target.address,
    outcome: evidence.outcome,
    ...(evidence.tls ? { tls: evidence.tls } : {}),
    // RFC 4954 §4: AUTH listed in the EHLO before STARTTLS lets a client log in in the clear.
    ...(plainDialogue
      ? { starttls: evidence.starttls, plaintextLogin: offersAuth(evidence.extensions) }
      : {}),
    ...(evidence.error ? { error: evidence.error } : {}),
    timings: evidence.timings as Record<string, number>,
  };
}

/** The dialogue's state: what has been learnt so far, kept when a later step fails. */
interface Session {
  connection: LineConnection;
  dialect: Dialect;
  target: AccessTarget;
  options: AccessProbeOptions;
  result: AccessProbeResult;
  timed: ReturnType<typeof phaseTimer<AccessPhase>>;
  profile: TlsProfile;
}

/**
 * A dialogue with TLS 1.2 at least, and a second one with old protocol versions allowed when the server refused
 * the first handshake as too new for it: whether TLS is required does not depend on its version.
 */
async function probeLines(
  target: AccessTarget,
  options: AccessProbeOptions,
  dialect: () => Dialect,
): Promise<AccessProbeResult> {
  const clock = () => (options.clock ?? systemClock).monotonic();
  const start = clock();
  const remainingMs = () => start + options.totalMs - clock();
  const { final, replaced } = await withLegacyRetry((profile) =>
    attemptLines(target, options, dialect(), profile, { clock, remainingMs }),
  );
  if (replaced) carryOver(replaced.result, final.result);
  final.result.timings.total = Math.round(clock() - start);
  return final.result;
}

/**
 * What the first connection learnt before its handshake failed stays true when the second, with old TLS versions
 * allowed, ends before learning it again (the server turned it away, or did not answer).
 */
function carryOver(first: AccessProbeResult, second: AccessProbeResult): void {
  if (second.starttls !== undefined || first.starttls === undefined) return;
  second.starttls = first.starttls;
  if (first.plaintextLogin !== undefined) second.plaintextLogin = first.plaintextLogin;
}

/** One connection, start to end; a ProbeFailure becomes the outcome, anything else propagates. */
async function attemptLines(
  target: AccessTarget,
  options: AccessProbeOptions,
  dialect: Dialect,
  profile: TlsProfile,
  time: { clock: () => number; remainingMs: () => number },
): Promise<{ result: AccessProbeResult; failure?: ProbeFailure }> {
  const limits = dialect.protocol === 'IMAP' ? IMAP_LIMITS : POP3_LIMITS;
  const connection: LineConnection = new ProbeConnection(
    target,
    {
      dial: options.dial ?? ((to) => net.connect(to)),
      ...(options.signal ? { signal: options.signal } : {}),
      remainingMs: time.remainingMs,
    },
    new ResponseLines(limits, dialect.protocol),
    dialect.protocol,
  );
  // Until the dialogue ends one way or another, nothing is known to have worked.
  const result: AccessProbeResult = { address: target.address, outcome: 'protocol-error', timings: {} };
  const timed = phaseTimer<AccessPhase>(time.clock, result.timings);
  const session: Session = { connection, dialect, target, options, result, timed, profile };
  try {
    result.outcome = await converse(session);
    return { result };
  } catch (error) {
    if (!(error instanceof ProbeFailure)) throw error;
    result.outcome = error.outcome;
    result.error = { code: error.code, phase: error.phase, message: error.message };
    return { result, failure: error };
  } finally {
    connection.close();
  }
}

async function converse(session: Session): Promise<ProbeOutcome> {
  const { connection, dialect, target, result } = session;
  await session.timed('connect', () => connection.connect(STEP_MS.connect));
  if (target.security === 'implicit') {
    await handshake(session);
    await session.timed('greeting', () => dialect.greet(connection, STEP_MS.greeting));
    await session.timed('capability-tls', () =>
      dialect.capabilities(connection, 'capability-tls', STEP_MS.command),
    );
    await dialect.quit(connection, STEP_MS.command);
    return 'tls';
  }
  const greeting = await session.timed('greeting', () => dialect.greet(connection, STEP_MS.greeting));
  if (greeting.preauth) {
    // RFC 9051 §6.2.1: STARTTLS is only for a client not yet authenticated, and this one is, in the clear.
    result.preauth = true;
    result.starttls = false;
    result.plaintextLogin = true;
    await dialect.quit(connection, STEP_MS.command);
    return 'no-starttls';
  }
  const offer = await session.timed('capability', () =>
    dialect.capabilities(connection, 'capability', STEP_MS.command),
  );
  result.starttls = offer.starttls;
  result.plaintextLogin = offer.plaintextLogin || greeting.loginOffered;
  if (!offer.starttls) {
    await dialect.quit(connection, STEP_MS.command);
    return 'no-starttls';
  }
  await session.timed('starttls', () => dialect.startTls(connection, STEP_MS.command));
  // Bytes sent before our handshake would be read as if they came over TLS (CVE-2011-0411): a MitM's injection.
  if (connection.hasUnreadInput()) {
    throw new ProbeFailure(
      'starttls-injection',
      `${dialect.protocol}_STARTTLS_INJECTION`,
      'starttls',
      'data followed the go-ahead for TLS',
    );
  }
  await handshake(session);
  await session.timed('capability-tls', () =>
    dialect.capabilities(connection, 'capability-tls', STEP_MS.command),
  );
  await dialect.quit(connection, STEP_MS.command);
  return 'tls';
}

async function handshake(session: Session): Promise<void> {
  const { connection, target, options, result, profile } = session;
  const recorded = await session.timed('tls', () =>
    recordedHandshake((tlsOptions, prepare) => connection.startTls(tlsOptions, STEP_MS.tls, prepare), {
      hostname: target.host,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      profile,
    }),
  );
  result.tls = recorded.facts;
}
