/**
 * One client connection of a line-based mail protocol (SMTP, IMAP, POP3) under deadlines: connect, read replies,
 * send commands, upgrade to TLS. Every wait ends by its phase deadline, the overall deadline, the caller's
 * AbortSignal or the peer; `close()` releases every socket and listener, and the only timer lives inside a wait that
 * has settled before the caller moves on. What a reply is, and how it is read, is the protocol's own reader.
 */
import net from 'node:net';
import tls from 'node:tls';
import { SendguardError } from '../../core/errors';
import { AddressNotAllowedError, vetAddress } from './address-policy';

export type ProbeOutcome =
  | 'tls'
  | 'no-starttls'
  | 'tls-failed'
  | 'starttls-injection'
  | 'tempfail'
  | 'refused'
  | 'timeout'
  | 'connect-failed'
  | 'protocol-error'
  | 'not-allowed';

/** The phases every protocol's dialogue has; each protocol names its others. */
export type CommonPhase = 'connect' | 'tls';

/** Why a probe ended before its orderly end; thrown inside the probe, returned as a status at its boundary. */
export class ProbeFailure<Phase extends string = string> extends SendguardError {
  constructor(
    readonly outcome: ProbeOutcome,
    code: string,
    readonly phase: Phase,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** Starts a TCP connection that will emit 'connect'; `net.connect` by default, a redirect to a fake server in tests. */
export type Dial = (options: { host: string; port: number }) => net.Socket;

export interface ConnectionContext {
  dial: Dial;
  signal?: AbortSignal;
  /** Milliseconds left of the whole probe. */
  remainingMs: () => number;
}

/** Bytes in, complete replies out; throws a SendguardError when the peer breaks the protocol or a cap. */
export interface ReplyReader<Reply> {
  push(chunk: Buffer): Reply[];
  /** Whether bytes were received that are not yet part of a complete reply. */
  readonly hasPartialReply: boolean;
}

/**
 * Why a probe may not dial `address` (address-policy.ts), as the error its result carries; undefined when it may.
 * An address that is not one throws.
 */
export function refusedAddress(
  address: string,
  allowPrivateAddresses: boolean,
): { code: string; phase: 'vet'; message: string } | undefined {
  try {
    vetAddress(address, { allowPrivateAddresses });
    return undefined;
  } catch (error) {
    if (!(error instanceof AddressNotAllowedError)) throw error;
    return { code: error.code, phase: 'vet', message: error.message };
  }
}

/** Runs a phase of a probe and records its duration in `timings`, also when it fails. */
export function phaseTimer<Phase extends string>(
  clock: () => number,
  timings: Partial<Record<Phase, number>>,
) {
  return async <T>(phase: Phase, step: () => Promise<T>): Promise<T> => {
    const start = clock();
    try {
      return await step();
    } finally {
      timings[phase] = Math.round(clock() - start);
    }
  };
}

function errorText(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

export class ProbeConnection<Reply, Phase extends string> {
  private socket: net.Socket;
  private readonly sockets: net.Socket[] = [];
  private readonly replies: Reply[] = [];
  private problem: ((phase: Phase | CommonPhase) => Error) | undefined;
  private wake: (() => void) | undefined;
  private connected = false;
  private secured = false;
  private firstOverTls = false;
  private readonly onData = (chunk: Buffer) => this.receive(chunk);
  private readonly onAbort = () => this.abort();

  /** `protocol` prefixes the error codes (`IMAP_TIMEOUT`). */
  constructor(
    target: { address: string; port: number },
    private readonly context: ConnectionContext,
    private readonly reader: ReplyReader<Reply>,
    private readonly protocol: string,
  ) {
    this.socket = context.dial({ host: target.address, port: target.port });
    this.watch(this.socket);
    this.socket.once('connect', () => this.notify(() => (this.connected = true)));
    this.socket.on('data', this.onData);
    context.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  connect(ms: number): Promise<true> {
    return this.waitFor('connect', ms, () => this.connected || undefined);
  }

  readReply(phase: Phase, ms: number): Promise<Reply> {
    return this.waitFor(phase, ms, () => this.replies.shift());
  }

  /** Sends one command and reads its reply. A reply already waiting was never asked for: the dialogue is off. */
  async command(phase: Phase, line: string, ms: number): Promise<Reply> {
    await this.send(phase, line);
    return this.readReply(phase, ms);
  }

  /** Sends one command line without reading; the caller reads what answers it. */
  async send(phase: Phase, line: string): Promise<void> {
    if (this.replies.length > 0) throw this.unasked(phase, 'a reply arrived unasked');
    if (this.firstOverTls) {
      this.firstOverTls = false;
      // Written in the turn the handshake ends, the first command over TLS leaves with the client's Finished, and
      // Postfix answers it only ~40 ms later: its session tickets, not yet acknowledged, hold the reply back
      // (Nagle's algorithm) until our delayed ACK. Written one turn later, it goes out alone and is answered at
      // once. Whatever the server sent in that turn came before the command, so it cannot be the command's reply.
      await new Promise((resolve) => setImmediate(resolve));
      this.context.signal?.throwIfAborted();
      if (this.hasUnreadInput()) throw this.unasked(phase, 'a reply arrived before the command was sent');
    }
    if (!this.socket.destroyed) this.socket.write(`${line}\r\n`);
  }

  /**
   * Takes the complete replies that arrived before any command asked for them, for a protocol that allows them
   * between commands (IMAP's untagged data, RFC 9051 §7); `send` refuses to go on while any are left.
   */
  takeUnasked(): Reply[] {
    return this.replies.splice(0);
  }

  /** Whether anything beyond the replies read so far has arrived, complete or not. */
  hasUnreadInput(): boolean {
    return this.replies.length > 0 || this.reader.hasPartialReply;
  }

  /**
   * Runs the TLS handshake over the connection; later replies are read through TLS. `prepare` sees the TLS socket
   * before its handshake.
   */
  async startTls(
    options: tls.ConnectionOptions,
    ms: number,
    prepare?: (socket: tls.TLSSocket) => void,
  ): Promise<tls.TLSSocket> {
    this.socket.off('data', this.onData);
    const secure = tls.connect({ ...options, socket: this.socket });
    prepare?.(secure);
    this.socket = secure;
    this.watch(secure);
    secure.once('secureConnect', () => this.notify(() => (this.secured = true)));
    secure.on('data', this.onData);
    await this.waitFor('tls', ms, () => this.secured || undefined);
    this.firstOverTls = true;
    return secure;
  }

  /**
   * Destroys the TLS socket before the plain one it runs over: the other way round, TLS records still arriving
   * (session tickets right after the handshake) are read from a freed socket and Node crashes (SIGSEGV).
   */
  close(): void {
    this.context.signal?.removeEventListener('abort', this.onAbort);
    for (let i = this.sockets.length - 1; i >= 0; i--) this.sockets[i]?.destroy();
  }

  /** Says goodbye where the dialogue still allows it; a peer that does not answer changes nothing. */
  async politely(goodbye: () => Promise<unknown>): Promise<void> {
    try {
      await goodbye();
    } catch (error) {
      if (this.aborted) throw error;
    }
  }

  /** Whether the caller gave up: a failure then is the caller's, not the peer's. */
  get aborted(): boolean {
    return this.context.signal?.aborted ?? false;
  }

  private unasked(phase: Phase, detail: string): ProbeFailure<Phase> {
    return new ProbeFailure('protocol-error', `${this.protocol}_UNSOLICITED_REPLY`, phase, detail);
  }

  /** A failure of the connection itself; what it means depends on the phase it interrupts. */
  private connectionLost(
    phase: Phase | CommonPhase,
    detail: string,
    cause?: unknown,
  ): ProbeFailure<Phase | CommonPhase> {
    if (phase === 'connect')
      return new ProbeFailure('connect-failed', `${this.protocol}_CONNECT_FAILED`, phase, detail, { cause });
    if (phase === 'tls')
      return new ProbeFailure('tls-failed', 'TLS_HANDSHAKE_FAILED', phase, detail, { cause });
    return new ProbeFailure('protocol-error', `${this.protocol}_CONNECTION_LOST`, phase, detail, { cause });
  }

  private watch(socket: net.Socket): void {
    this.sockets.push(socket);
    socket.on('error', (error) => this.fail((phase) => this.connectionLost(phase, errorText(error), error)));
    socket.on('close', () =>
      this.fail((phase) => this.connectionLost(phase, 'the server closed the connection')),
    );
  }

  private receive(chunk: Buffer): void {
    if (this.problem) return;
    try {
      this.replies.push(...this.reader.push(chunk));
    } catch (error) {
      if (!(error instanceof SendguardError)) throw error;
      this.fail(
        (phase) => new ProbeFailure('protocol-error', error.code, phase, error.message, { cause: error }),
      );
      this.close();
    }
    this.wake?.();
  }

  private abort(): void {
    this.close();
    this.wake?.();
  }

  private notify(change: () => void): void {
    change();
    this.wake?.();
  }

  /** The first problem explains the others (an error is followed by a close): later ones are ignored. */
  private fail(problem: (phase: Phase | CommonPhase) => Error): void {
    this.problem ??= problem;
    this.wake?.();
  }

  /**
   * Resolves with `ready()` once it returns a value. What already arrived wins over a later problem (a server may
   * answer 421 and close at once), but cancellation wins over everything.
   */
  private waitFor<T>(phase: Phase | CommonPhase, phaseMs: number, ready: () => T | undefined): Promise<T> {
    const remaining = this.context.remainingMs();
    const ms = Math.max(0, Math.min(phaseMs, remaining));
    return new Promise<T>((resolve, reject) => {
      const settle = (done: () => void) => {
        clearTimeout(timer);
        this.wake = undefined;
        done();
      };
      const timer = setTimeout(() => settle(() => reject(this.timeout(phase, ms, phaseMs > remaining))), ms);
      this.wake = () => {
        const { signal } = this.context;
        if (signal?.aborted) return settle(() => reject(signal.reason));
        const value = ready();
        if (value !== undefined) return settle(() => resolve(value));
        const problem = this.problem;
        if (problem) settle(() => reject(problem(phase)));
      };
      this.wake();
    });
  }

  private timeout(
    phase: Phase | CommonPhase,
    ms: number,
    overall: boolean,
  ): ProbeFailure<Phase | CommonPhase> {
    const which = overall ? 'the overall deadline' : `the ${phase} deadline`;
    return new ProbeFailure(
      'timeout',
      `${this.protocol}_TIMEOUT`,
      phase,
      `nothing within ${Math.round(ms)} ms (${which})`,
    );
  }
}
