/**
 * The STARTTLS probe of one MX address: what TLS a sending gateway will really meet there. It speaks SMTP as a
 * sender would (banner, EHLO, STARTTLS, EHLO again, QUIT) and records; it never refuses a certificate, because
 * trust and name match are evidence for the verdict, not reasons to stop looking.
 *
 * Remote misbehaviour of any kind becomes an `outcome`; the promise rejects only for bad arguments, for
 * programming errors and, like `fetch`, with the signal's reason when the caller aborts.
 */
import net from 'node:net';
import type { X509Certificate } from 'node:crypto';
import { normalizeDomain } from '../../core/addresses';
import { systemClock, type Clock } from '../../core/clock';
import { SendguardError } from '../../core/errors';
import { phaseTimer, refusedAddress } from '../net/probe-connection';
import { recordedHandshake, withLegacyRetry, type TlsProfile } from './recorded-tls';
import {
  ProbeFailure,
  SmtpConnection,
  type Dial,
  type ProbeOutcome,
  type ProbePhase,
} from './smtp-connection';
import { ehloExtensions, hasExtension, type SmtpReply } from './smtp-reply';
import type { PresentedChain, TlsFacts } from './tls-facts';

export type { Dial, ProbeOutcome, ProbePhase } from './smtp-connection';

export interface SmtpProbeTarget {
  mxHostname: string;
  address: string;
  /** 25 unless a test bed says otherwise. */
  port?: number;
  /** TLS from the first byte (submission on 465, RFC 8314 §3.3) rather than STARTTLS. */
  implicitTls?: boolean;
}

export interface SmtpProbeDeadlines {
  connectMs: number;
  bannerMs: number;
  commandMs: number;
  tlsMs: number;
  totalMs: number;
}

export interface SmtpProbeOptions {
  /** The name sent in EHLO/HELO; a host name or an address literal. */
  heloName: string;
  allowPrivateAddresses: boolean;
  /** Extra trust roots (PEM, several may be concatenated), trusted in addition to Node's bundled roots. */
  ca?: Buffer | string;
  deadlines?: Partial<SmtpProbeDeadlines>;
  signal?: AbortSignal;
  dial?: Dial;
  /** Its monotonic time drives the timings and the overall deadline. */
  clock?: Clock;
}

type TimedPhase = Exclude<ProbePhase, 'quit'> | 'total';

interface TlsEvidence extends TlsFacts {
  /** EHLO extensions offered over TLS. */
  extensions: string[];
  /** RFC 8689 REQUIRETLS, which only counts when offered after STARTTLS. */
  requireTls: boolean;
}

/** Plain data: safe to serialise into a report as it stands. */
export interface SmtpProbeEvidence {
  mxHostname: string;
  address: string;
  port: number;
  outcome: ProbeOutcome;
  /** The greeting's lines, without the 220 codes. */
  banner?: string[];
  /** EHLO extensions offered before TLS, keyword upper-cased (`SIZE 10240000`). */
  extensions: string[];
  starttls: boolean;
  /** A second connection was made with TLS 1.0/1.1 and legacy ciphers allowed, after TLS ≥ 1.2 failed. */
  legacyRetry: boolean;
  tls?: TlsEvidence;
  error?: { code: string; phase: ProbePhase | 'vet'; message: string };
  /** Milliseconds per phase, of the attempt that produced the outcome; `total` spans all attempts. */
  timings: Partial<Record<TimedPhase, number>>;
}

export interface SmtpProbeResult {
  evidence: SmtpProbeEvidence;
  /**
   * The presented certificates, leaf first (kept apart from `evidence`, which is plain data); parsed when first
   * asked for, as only DANE matching needs more than the leaf.
   */
  chain(): readonly X509Certificate[];
}

const DEFAULT_DEADLINES: SmtpProbeDeadlines = {
  connectMs: 10_000,
  // Greeting delays (postscreen, tarpits against spam bots) of several seconds are normal.
  bannerMs: 30_000,
  commandMs: 15_000,
  tlsMs: 15_000,
  totalMs: 60_000,
};

interface Settings {
  mxHostname: string;
  address: string;
  port: number;
  implicitTls: boolean;
  heloName: string;
  deadlines: SmtpProbeDeadlines;
  /** Extra trust roots, trusted with Node's bundled ones; absent for the bundled roots alone. */
  ca?: Buffer | string;
  dial: Dial;
  /** Monotonic milliseconds. */
  clock: () => number;
  signal?: AbortSignal;
}

interface Attempt {
  evidence: SmtpProbeEvidence;
  presented?: PresentedChain;
  failure?: ProbeFailure;
}

class SmtpProbeArgumentError extends SendguardError {
  constructor(message: string) {
    super('SMTP_PROBE_BAD_ARGUMENT', message);
  }
}

export async function probeSmtp(
  target: SmtpProbeTarget,
  options: SmtpProbeOptions,
): Promise<SmtpProbeResult> {
  const settings = settingsOf(target, options);
  options.signal?.throwIfAborted();
  const start = settings.clock();
  const deadlineAt = start + settings.deadlines.totalMs;
  const remainingMs = () => deadlineAt - settings.clock();
  const attempt =
    vet(settings, options.allowPrivateAddresses) ?? (await attemptProbes(settings, remainingMs));
  attempt.evidence.timings.total = elapsed(settings.clock, start);
  const { presented } = attempt;
  return { evidence: attempt.evidence, chain: () => presented?.all() ?? [] };
}

function settingsOf(target: SmtpProbeTarget, options: SmtpProbeOptions): Settings {
  const port = target.port ?? 25;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SmtpProbeArgumentError(`bad port ${port}`);
  }
  // A host name or an address literal; anything else could smuggle a second command into EHLO.
  if (!/^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[(?:IPv6:)?[0-9A-Fa-f:.]+\])$/.test(options.heloName)) {
    throw new SmtpProbeArgumentError(`bad HELO name "${options.heloName}"`);
  }
  const deadlines = { ...DEFAULT_DEADLINES, ...options.deadlines };
  for (const [name, ms] of Object.entries(deadlines)) {
    if (!(Number.isFinite(ms) && ms > 0)) throw new SmtpProbeArgumentError(`bad deadline ${name}: ${ms}`);
  }
  return {
    mxHostname: normalizeDomain(target.mxHostname),
    address: target.address,
    port,
    implicitTls: target.implicitTls ?? false,
    heloName: options.heloName,
    deadlines,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    dial: options.dial ?? ((to) => net.connect(to)),
    clock: () => (options.clock ?? systemClock).monotonic(),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

function blankEvidence(settings: Settings, outcome: ProbeOutcome): SmtpProbeEvidence {
  const { mxHostname, address, port } = settings;
  return {
    mxHostname,
    address,
    port,
    outcome,
    extensions: [],
    starttls: false,
    legacyRetry: false,
    timings: {},
  };
}

/** An attempt that never connects because the address may not be dialled; invalid addresses throw. */
function vet(settings: Settings, allowPrivateAddresses: boolean): Attempt | undefined {
  const error = refusedAddress(settings.address, allowPrivateAddresses);
  if (!error) return undefined;
  return { evidence: { ...blankEvidence(settings, 'not-allowed'), error } };
}

async function attemptProbes(settings: Settings, remainingMs: () => number): Promise<Attempt> {
  const { final, replaced } = await withLegacyRetry((profile) =>
    attemptProbe(settings, profile, remainingMs),
  );
  if (replaced) final.evidence.legacyRetry = true;
  return final;
}

/** One connection, start to end; a ProbeFailure becomes the outcome, anything else propagates. */
async function attemptProbe(
  settings: Settings,
  profile: TlsProfile,
  remainingMs: () => number,
): Promise<Attempt> {
  // Until the dialogue ends one way or another, nothing is known to have worked.
  const attempt: Attempt = { evidence: blankEvidence(settings, 'protocol-error') };
  const connection = new SmtpConnection(settings, {
    dial: settings.dial,
    signal: settings.signal,
    remainingMs,
  });
  try {
    attempt.evidence.outcome = await converse(connection, settings, profile, attempt);
  } catch (error) {
    if (!(error instanceof ProbeFailure)) throw error;
    attempt.failure = error;
    attempt.evidence.outcome = error.outcome;
    attempt.evidence.error = { code: error.code, phase: error.phase, message: error.message };
  } finally {
    connection.close();
  }
  return attempt;
}

/** One connection's dialogue and what it has learnt so far. */
interface Dialogue {
  connection: SmtpConnection;
  settings: Settings;
  attempt: Attempt;
  timed: ReturnType<typeof phaseTimer<TimedPhase>>;
}

async function converse(
  connection: SmtpConnection,
  settings: Settings,
  profile: TlsProfile,
  attempt: Attempt,
): Promise<'tls' | 'no-starttls'> {
  const dialogue = {
    connection,
    settings,
    attempt,
    timed: phaseTimer<TimedPhase>(settings.clock, attempt.evidence.timings),
  };
  if (settings.implicitTls) {
    await greetOverTls(dialogue, profile);
    await connection.quit(settings.deadlines.commandMs);
    return 'tls';
  }
  await greetPlain(dialogue);
  if (attempt.evidence.starttls) await secure(dialogue, profile);
  await connection.quit(settings.deadlines.commandMs);
  return attempt.evidence.starttls ? 'tls' : 'no-starttls';
}

/** Connect, banner, EHLO: what any sender meets before TLS. */
async function greetPlain({ connection, settings, attempt, timed }: Dialogue): Promise<void> {
  const { deadlines } = settings;
  const { evidence } = attempt;
  await timed('connect', () => connection.connect(deadlines.connectMs));
  const banner = await timed('banner', () => connection.readReply('banner', deadlines.bannerMs));
  expectReply(banner, 220, 'banner', 'refused');
  evidence.banner = banner.lines;
  evidence.extensions = await timed('ehlo', () => greet(connection, 'ehlo', settings));
  evidence.starttls = hasExtension(evidence.extensions, 'STARTTLS');
}

/** STARTTLS, the handshake in the given profile, and EHLO again over TLS. */
async function secure(dialogue: Dialogue, profile: TlsProfile): Promise<void> {
  const { connection, settings, timed } = dialogue;
  const ready = await timed('starttls', () =>
    connection.command('starttls', 'STARTTLS', settings.deadlines.commandMs),
  );
  expectReply(ready, 220, 'starttls', 'tls-failed');
  // Bytes sent before our handshake would be read as if they came over TLS (CVE-2011-0411): a MitM's injection.
  if (connection.hasUnreadInput()) {
    throw new ProbeFailure(
      'starttls-injection',
      'SMTP_STARTTLS_INJECTION',
      'starttls',
      'data followed the 220',
    );
  }
  const tlsEvidence = await handshake(dialogue, profile);
  tlsEvidence.extensions = await timed('ehlo-tls', () => greet(connection, 'ehlo-tls', settings));
  tlsEvidence.requireTls = hasExtension(tlsEvidence.extensions, 'REQUIRETLS');
}

/** Implicit TLS (RFC 8314 §3.3, submission on 465): the handshake first, then the banner and EHLO over TLS. */
async function greetOverTls(dialogue: Dialogue, profile: TlsProfile): Promise<void> {
  const { connection, settings, attempt, timed } = dialogue;
  const { deadlines } = settings;
  await timed('connect', () => connection.connect(deadlines.connectMs));
  const tlsEvidence = await handshake(dialogue, profile);
  const banner = await timed('banner', () => connection.readReply('banner', deadlines.bannerMs));
  expectReply(banner, 220, 'banner', 'refused');
  attempt.evidence.banner = banner.lines;
  tlsEvidence.extensions = await timed('ehlo-tls', () => greet(connection, 'ehlo-tls', settings));
  tlsEvidence.requireTls = hasExtension(tlsEvidence.extensions, 'REQUIRETLS');
}

/** The handshake in the given profile; its evidence is kept even if the dialogue fails after it. */
async function handshake(
  { connection, settings, attempt, timed }: Dialogue,
  profile: TlsProfile,
): Promise<TlsEvidence> {
  const recorded = await timed('tls', () =>
    recordedHandshake((options, prepare) => connection.startTls(options, settings.deadlines.tlsMs, prepare), {
      hostname: settings.mxHostname,
      ...(settings.ca === undefined ? {} : { ca: settings.ca }),
      profile,
    }),
  );
  attempt.presented = recorded.presented;
  // Kept even if the dialogue fails after the handshake: the outcome then says why mail would not get through.
  const tlsEvidence: TlsEvidence = { ...recorded.facts, extensions: [], requireTls: false };
  attempt.evidence.tls = tlsEvidence;
  return tlsEvidence;
}

/** EHLO, and HELO where EHLO is refused outright (RFC 5321 §3.2); the extensions offered. */
async function greet(
  connection: SmtpConnection,
  phase: 'ehlo' | 'ehlo-tls',
  settings: Settings,
): Promise<string[]> {
  const { commandMs } = settings.deadlines;
  const ehlo = await connection.command(phase, `EHLO ${settings.heloName}`, commandMs);
  if (ehlo.code === 250) return ehloExtensions(ehlo);
  if (ehlo.code < 500) expectReply(ehlo, 250, phase, 'refused'); // throws: only a 5xx earns the HELO retry
  const helo = await connection.command(phase, `HELO ${settings.heloName}`, commandMs);
  expectReply(helo, 250, phase, 'refused');
  return [];
}

/** Throws unless the reply has the expected code: 4xx means try later, 5xx `permanent`, anything else is off. */
function expectReply(reply: SmtpReply, expected: number, phase: ProbePhase, permanent: ProbeOutcome): void {
  if (reply.code === expected) return;
  const message = `${reply.code} ${reply.lines.join(' / ')}`.slice(0, 500);
  if (reply.code >= 400 && reply.code < 500)
    throw new ProbeFailure('tempfail', 'SMTP_TEMPFAIL', phase, message);
  if (reply.code >= 500) throw new ProbeFailure(permanent, 'SMTP_REJECTED', phase, message);
  throw new ProbeFailure('protocol-error', 'SMTP_UNEXPECTED_REPLY', phase, message);
}

function elapsed(clock: () => number, start: number): number {
  return Math.round(clock() - start);
}
