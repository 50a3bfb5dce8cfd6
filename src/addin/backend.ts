/**
 * The add-ins' client for the backend: `POST /api/v1/assess`, `GET /api/v1/policy` and the sender's acceptance
 * of a changed key (`POST /api/v1/keys/:address/accept`), each bounded by one deadline well under Outlook's
 * five-second "taking longer" point that covers the token it waits for as well as the service's answer;
 * `GET /api/v1/sign-in`, which tells the add-in how to get its tokens, and `GET /api/v1/me`; and the report of what
 * a send check let happen (`POST /api/v1/decisions`), on a short deadline of its own. Each request carries
 * a fixed API token or one asked of a token source, which hears of a token the service refused. Every failure is a
 * BackendError with a stable code, so a caller can say what went wrong and — being a send check — refuse rather
 * than guess. Written without runtime dependencies: the send handler bundles this file for a JavaScript-only
 * runtime.
 */
import { readErrorBody } from '../core/error-body';
import { messageOf, SendguardError } from '../core/errors';
import { checkAssessAnswer, readAcceptedKey } from '../core/evaluate/answer';
import { AnswerError } from '../core/evaluate/fields';
import { type PolicyAnswer, readPolicyAnswer } from '../core/evaluate/policy-answer';
import type { DecisionReport } from '../core/decisions/record';
import { readIdentity, type Identity } from '../core/identity';
import { readSignInSettings, type SignInSettings } from '../core/sign-in';
import type { AssessAnswer, KeyAssessment } from '../core/wire';
import type { OutageFallback } from './outage/from-kept';
import { within } from './within';

export type BackendErrorCode =
  | 'BACKEND_TIMEOUT'
  | 'BACKEND_UNREACHABLE'
  | 'BACKEND_UNAUTHORIZED'
  /** No token could be had without asking the sender (the token source failed). */
  | 'BACKEND_NOT_SIGNED_IN'
  | 'BACKEND_REFUSED'
  | 'BACKEND_BAD_ANSWER'
  /** The server's code: accepting a changed key found a different key than the one the sender checked. */
  | 'KEY_CHANGED_AGAIN';

const EXPLANATIONS: Record<BackendErrorCode, string> = {
  BACKEND_TIMEOUT: 'The Sendguard service did not answer in time',
  BACKEND_UNREACHABLE: 'The Sendguard service could not be reached',
  BACKEND_UNAUTHORIZED: 'The Sendguard service did not accept this add-in’s sign-in',
  BACKEND_NOT_SIGNED_IN: 'You are not signed in to the Sendguard service',
  BACKEND_REFUSED: 'The Sendguard service refused the request',
  BACKEND_BAD_ANSWER: 'The Sendguard service sent an answer this add-in cannot trust',
  KEY_CHANGED_AGAIN: 'The key was not accepted, because the recipient’s key changed again',
};

export class BackendError extends SendguardError {
  /** The HTTP status the service (or a proxy before it) refused the request with. */
  readonly status?: number;

  constructor(
    override readonly code: BackendErrorCode,
    readonly detail?: string,
    { status, ...options }: { cause?: unknown; status?: number } = {},
  ) {
    super(code, detail ? `${EXPLANATIONS[code]} (${detail}).` : `${EXPLANATIONS[code]}.`, options);
    if (status !== undefined) this.status = status;
  }
}

/**
 * Where an interactive sign-in holds: for every part of the add-in (the host keeps it, and the send check asks the
 * host too), or for the pane alone (a token from a sign-in window of the pane's own, which the send check, in a
 * runtime of its own, cannot have).
 */
export type SignInReach = 'everywhere' | 'pane-only';

/** What is wrong with the sign-in: no token could be had (`missing`), or the service refused the one sent. */
export type SignInFault = 'missing' | 'refused';

export function signInFault(error: unknown): SignInFault | undefined {
  if (!(error instanceof BackendError)) return undefined;
  if (error.code === 'BACKEND_NOT_SIGNED_IN') return 'missing';
  return error.code === 'BACKEND_UNAUTHORIZED' ? 'refused' : undefined;
}

/** Whether the sender (or their administrator) must fix the sign-in: no token to be had, or one refused. */
export function needsSignIn(error: unknown): boolean {
  return signInFault(error) !== undefined;
}

/** What a proxy or balancer answers for a service behind it that is down or overloaded (RFC 9110 §15.6.3–5). */
const GATEWAY_STATUSES = [502, 503, 504];

/**
 * Whether the service could not be reached, did not answer in time, or the gateway before it said it is unavailable:
 * an outage, not a refusal of this request or of the sign-in.
 */
export function serviceDown(error: unknown): boolean {
  if (!(error instanceof BackendError)) return false;
  if (error.code === 'BACKEND_TIMEOUT' || error.code === 'BACKEND_UNREACHABLE') return true;
  return error.code === 'BACKEND_REFUSED' && GATEWAY_STATUSES.includes(error.status ?? 0);
}

export type { AssessAnswer, AssessedRecipient } from '../core/wire';
export type { Identity } from '../core/identity';

/**
 * The bearer token for one request, asked for anew each time (the source keeps its own cache): `undefined` sends
 * none (a service in development mode). It rejects when no token can be had without asking the sender.
 */
export type TokenSource = () => Promise<string | undefined>;

export interface BackendOptions {
  /** Absolute: the JavaScript-only runtime has no page URL to resolve a relative one against. */
  baseUrl: string;
  /** A fixed API token; ignored when `tokenSource` is given. */
  token?: string;
  tokenSource?: TokenSource;
  /** Told of a token from `tokenSource` that the service refused (401/403), so that it is not handed out again. */
  onRefused?: (token: string) => void;
  /** Bounds each request, the token it waits for included. */
  deadlineMs?: number;
  fetch?: typeof fetch;
  /** Keeps the policy between openings, so that an unchanged one is confirmed (304) rather than sent again. */
  policyStore?: AnswerStore;
  /**
   * Resolves once the service confirmed the sign-in settings `tokenSource` goes by at the time of the call: true,
   * or false when it answered other settings (or could not be asked), which `tokenSource` goes by from then on.
   * A request that only reads (a GET, the assessment) made meanwhile is made again when its settings were not
   * confirmed, the first attempt aborted: the pane signs in with settings it kept from an earlier opening while
   * asking whether they are current, and an answer had under settings the service no longer gives is never used.
   * Any other request waits for the confirmation, so that it is never made twice. Absent where `tokenSource` only
   * goes by the service's own answer.
   */
  signInConfirmed?: () => Promise<boolean>;
}

/** An answer as last served (its JSON) and its ETag. */
export interface KeptAnswer {
  etag: string;
  body: unknown;
}

/** Where a client keeps an answer between openings (the pane: its page's storage). */
export interface AnswerStore {
  read(): KeptAnswer | undefined;
  write(kept: KeptAnswer): void;
}

/** What else an assessment may ask. */
export interface AssessOptions {
  /**
   * The sender's own address: the answer then says how replies reach them (`replyPath`). The pane asks it; the
   * send check never does, which keeps its request the cheapest it can be.
   */
  sender?: string;
  /**
   * Wait for each external recipient's mailbox access within the service's deadline, to show it. The pane asks it;
   * the send check never does: the service waits for it there only when a classification of the policy needs it.
   */
  mailboxAccess?: boolean;
}

export interface Backend {
  assess(recipients: readonly string[], options?: AssessOptions): Promise<AssessAnswer>;
  policy(): Promise<PolicyAnswer>;
  /**
   * The sender confirms a `changed` key they checked with its owner: the service pins it only if a fresh lookup
   * still finds exactly `fingerprint` (upper-case hex), and answers with the key now valid; otherwise
   * `KEY_CHANGED_AGAIN`.
   */
  acceptKey(address: string, fingerprint: string): Promise<KeyAssessment>;
  /**
   * Tells the service what became of a checked message, for the admin's overview. Never rejects, and gives up
   * after `deadlineMs` or `REPORT_DEADLINE_MS`, whichever is sooner: a report lost costs a record, never a send.
   * Absent from a client that does not report.
   */
  reportDecision?: (report: DecisionReport, deadlineMs?: number) => Promise<void>;
  /**
   * One JSON request to the service with this client's token, deadline and errors (undefined for a 204), for the
   * pane's own calls (the "Sent securely" list, sent/sent-client.ts): kept out of this file so that the send
   * handler's bundle does not carry them. Absent from a client that offers no more than the calls above.
   */
  request?: (path: string, init: RequestInit) => Promise<unknown>;
  /** What the send check decides from while the service cannot be reached (outage/); absent, it stops the message. */
  outage?: OutageFallback;
}

/**
 * Where an add-in finds its backend and how it signs in: Outlook's page configuration and Thunderbird's stored
 * settings are both this.
 */
export interface BackendConnection {
  /** Absolute, e.g. `https://sendguard.example.org`; the pickup portal is served from it too. */
  backendUrl: string;
  /** An API token the backend's admin issued (`sendguard token issue`); none for a backend in dev mode. */
  token?: string;
}

/** The client for a configured connection; `fetchImpl` replaces the global fetch (tests, the background page). */
export function connectBackend(connection: BackendConnection, fetchImpl?: typeof fetch): Backend {
  return createBackend({
    baseUrl: connection.backendUrl,
    ...(connection.token ? { token: connection.token } : {}),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

/** Outlook shows "taking longer" at five seconds; the server answers partially at its own (shorter) deadline. */
export const DEFAULT_DEADLINE_MS = 3500;

/** A decision report is worth less than a second of the sender's time: the send waits for it at most this long. */
export const REPORT_DEADLINE_MS = 1000;

/** The share of a request's deadline the token may take (at most half of it); the rest is the service's. */
export const TOKEN_DEADLINE_MS = 1500;

/**
 * The answer checked against the question: the wire schema, then every recipient asked about and no other, and a
 * reply path only for the sender asked about.
 */
function checkAssess(body: unknown, asked: readonly string[], sender: string | undefined): AssessAnswer {
  return untrusted(() => checkAssessAnswer(body, asked, sender));
}

/** The accepted key, which must be the one the sender checked, now valid. */
function checkAccepted(body: unknown, fingerprint: string): KeyAssessment {
  const key = untrusted(() => readAcceptedKey(body));
  if (key.verdict !== 'valid' || key.fingerprint !== fingerprint)
    throw new BackendError('BACKEND_BAD_ANSWER', 'the accepted key is not the one that was checked');
  return key;
}

/** A reading of the answer whose failure means the service's answer cannot be trusted. */
export function untrusted<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof AnswerError)
      throw new BackendError('BACKEND_BAD_ANSWER', error.message, { cause: error });
    throw error;
  }
}

/**
 * The error for a refusal. Only a 400 or 409 is read: for the service's own words about a key that changed again,
 * or about a secure message the sender manages (an expiry out of range, a message already revoked).
 */
async function statusError(response: Response): Promise<BackendError> {
  const { status } = response;
  if (status === 401 || status === 403) return new BackendError('BACKEND_UNAUTHORIZED', `HTTP ${status}`);
  if (status === 400 || status === 409) {
    const error = readErrorBody(await response.json().catch(() => undefined));
    if (error?.code === 'KEY_CHANGED_AGAIN') return new BackendError('KEY_CHANGED_AGAIN', error.message);
    if (error?.code.startsWith('ESCROW_'))
      return new BackendError('BACKEND_REFUSED', error.message.slice(0, 300));
  }
  return new BackendError('BACKEND_REFUSED', `HTTP ${status}`, { status });
}

/** The token for one request within `deadlineMs`, or the sign-in error that stops it. */
function tokenFor(options: BackendOptions, deadlineMs: number): Promise<string | undefined> {
  if (!options.tokenSource) return Promise.resolve(options.token);
  const asked = options.tokenSource().catch((error: unknown) => {
    // The service itself failing (asked how to sign in) is that failure, not the sender's sign-in.
    if (error instanceof BackendError) throw error;
    throw new BackendError('BACKEND_NOT_SIGNED_IN', messageOf(error), { cause: error });
  });
  return within(
    deadlineMs,
    asked,
    () => new BackendError('BACKEND_NOT_SIGNED_IN', 'the sign-in did not finish in time'),
  );
}

/** A JSON answer with its ETag; `notModified` for a 304 to a request naming the copy it holds. */
interface Exchanged {
  body: unknown;
  etag: string | undefined;
  notModified: boolean;
}

/** How a request may be made: `repeatable` when making it twice changes nothing (it only reads). */
interface Exchange {
  repeatable: boolean;
  /** The ETag of a copy the caller holds, which a 304 confirms. */
  ifNoneMatch?: string;
}

/** A GET only reads; of the other requests only the caller knows (the assessment's POST reads too). */
const readsOnly = (init: RequestInit) => (init.method ?? 'GET').toUpperCase() === 'GET';

/**
 * One JSON request to the service, with the client's token as its bearer when there is one, all within the
 * deadline: the token may take part of it, the service the rest.
 */
async function exchangeJson(
  options: BackendOptions,
  path: string,
  init: RequestInit,
  { repeatable, ifNoneMatch }: Exchange,
): Promise<Exchanged> {
  const base = options.baseUrl.replace(/\/+$/, '');
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  /** One per attempt, so that a first attempt made again is stopped alone; all stopped at the deadline. */
  const controllers: AbortController[] = [];
  const attempt = async (): Promise<Exchanged> => {
    const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
    if (controller) controllers.push(controller);
    const token = await tokenFor(options, Math.min(TOKEN_DEADLINE_MS, deadlineMs / 2));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    if (ifNoneMatch) headers['if-none-match'] = ifNoneMatch;
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        ...init,
        headers,
        ...(controller ? { signal: controller.signal } : {}),
      });
    } catch (error) {
      throw new BackendError('BACKEND_UNREACHABLE', messageOf(error), { cause: error });
    }
    const etag = response.headers?.get('etag') ?? undefined;
    if (response.status === 304 && ifNoneMatch) return { body: undefined, etag, notModified: true };
    if (!response.ok) {
      const refusal = await statusError(response);
      if (refusal.code === 'BACKEND_UNAUTHORIZED' && token && options.tokenSource) options.onRefused?.(token);
      throw refusal;
    }
    if (response.status === 204) return { body: undefined, etag, notModified: false };
    try {
      return { body: (await response.json()) as unknown, etag, notModified: false };
    } catch (error) {
      throw new BackendError('BACKEND_BAD_ANSWER', 'not JSON', { cause: error });
    }
  };
  const exchange = (async () => {
    // Asked before the token: the settings that token will be had under.
    const confirmed = options.signInConfirmed?.();
    if (!confirmed) return attempt();
    if (!repeatable) {
      // Made once only, under settings the service gave: a request that changes something is never made twice.
      await confirmed;
      return attempt();
    }
    const first = attempt();
    first.catch(() => undefined);
    if (await confirmed) return first;
    // Made under settings the service no longer gives: stopped, and made again under those it gives now.
    controllers[0]?.abort();
    return attempt();
  })();
  return within(deadlineMs, exchange, () => {
    for (const controller of controllers) controller.abort();
    return new BackendError('BACKEND_TIMEOUT', `${deadlineMs} ms`);
  });
}

/** exchangeJson's answer alone (undefined for a 204); `repeatable` by default for a GET alone. */
async function requestJson(
  options: BackendOptions,
  path: string,
  init: RequestInit,
  repeatable = readsOnly(init),
): Promise<unknown> {
  return (await exchangeJson(options, path, init, { repeatable })).body;
}

/** A kept answer read as `read` reads the service's. */
interface Kept<T> {
  etag: string;
  answer: T;
}

/** The copy `store` keeps, if it still reads (`read` throws on one damaged, or left by an older version). */
function keptAnswer<T>(store: AnswerStore | undefined, read: (body: unknown) => T): Kept<T> | undefined {
  const kept = store?.read();
  if (!kept) return undefined;
  try {
    return { etag: kept.etag, answer: read(kept.body) };
  } catch {
    return undefined;
  }
}

/** The service's answer, and whether it was the kept copy, confirmed (304). */
export interface Revalidated<T> {
  answer: T;
  confirmed: boolean;
}

/**
 * GET `path`, revalidating the copy `kept` of `store`: the service answers 304 while it still serves that copy,
 * else its answer, which is kept in its place.
 */
async function revalidate<T>(
  options: BackendOptions,
  path: string,
  store: AnswerStore | undefined,
  read: (body: unknown) => T,
  kept: Kept<T> | undefined,
): Promise<Revalidated<T>> {
  const exchanged = await exchangeJson(
    options,
    path,
    { method: 'GET' },
    { repeatable: true, ...(kept ? { ifNoneMatch: kept.etag } : {}) },
  );
  if (exchanged.notModified && kept) return { answer: kept.answer, confirmed: true };
  const answer = untrusted(() => read(exchanged.body));
  if (store && exchanged.etag) store.write({ etag: exchanged.etag, body: exchanged.body });
  return { answer, confirmed: false };
}

/** GET /api/v1/policy, revalidating the copy the options' store keeps. */
async function fetchPolicy(options: BackendOptions): Promise<PolicyAnswer> {
  const store = options.policyStore;
  const kept = keptAnswer(store, readPolicyAnswer);
  return (await revalidate(options, '/api/v1/policy', store, readPolicyAnswer, kept)).answer;
}

/**
 * How this service wants the add-in to sign in, kept in `store`: the kept copy at once (none when there is none
 * that reads), and the service's answer to whether it is current (revalidated, public: asked without a token).
 */
export function revalidateSignInSettings(
  options: Omit<BackendOptions, 'token' | 'tokenSource'>,
  store: AnswerStore,
): { kept: SignInSettings | undefined; answer: Promise<Revalidated<SignInSettings>> } {
  const kept = keptAnswer(store, readSignInSettings);
  return {
    kept: kept?.answer,
    answer: revalidate(options, '/api/v1/sign-in', store, readSignInSettings, kept),
  };
}

/** How this service wants the add-in to sign in (public: asked before there is a token). */
export async function fetchSignInSettings(
  options: Omit<BackendOptions, 'token' | 'tokenSource'>,
): Promise<SignInSettings> {
  const body = await requestJson(options, '/api/v1/sign-in', { method: 'GET' });
  return untrusted(() => readSignInSettings(body));
}

/** Who the service takes the holder of this client's token to be. */
export async function fetchIdentity(options: BackendOptions): Promise<Identity> {
  const body = await requestJson(options, '/api/v1/me', { method: 'GET' });
  return untrusted(() => readIdentity(body));
}

export function createBackend(options: BackendOptions): Backend {
  const request = (path: string, init: RequestInit) => requestJson(options, path, init);

  return {
    request,
    async assess(recipients, { sender, mailboxAccess } = {}) {
      // Read-only, for all it is a POST: made again freely.
      const body = await requestJson(
        options,
        '/api/v1/assess',
        {
          method: 'POST',
          body: JSON.stringify({
            recipients,
            ...(sender !== undefined && { sender }),
            ...(mailboxAccess === true && { mailboxAccess }),
          }),
        },
        true,
      );
      return checkAssess(body, recipients, sender);
    },
    policy: () => fetchPolicy(options),
    async acceptKey(address, fingerprint) {
      const body = await request(`/api/v1/keys/${encodeURIComponent(address)}/accept`, {
        method: 'POST',
        body: JSON.stringify({ fingerprint }),
      });
      return checkAccepted(body, fingerprint);
    },
    async reportDecision(report, capMs = REPORT_DEADLINE_MS) {
      // No timer of the report's outlives the cap the send handler gave it.
      const deadlineMs = Math.min(options.deadlineMs ?? DEFAULT_DEADLINE_MS, REPORT_DEADLINE_MS, capMs);
      // Whatever went wrong (no token, no service, a refusal, the deadline), the send goes on without the report.
      await requestJson({ ...options, deadlineMs }, '/api/v1/decisions', {
        method: 'POST',
        body: JSON.stringify(report),
      }).catch(() => undefined);
    },
  };
}
