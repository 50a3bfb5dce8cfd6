/**
 * One HTTPS GET against a hostile network: the name is resolved by the injected resolver and every address vetted
 * before Sendguard connects to that address itself (no second lookup, so no DNS rebinding), the certificate must
 * be valid for the name, redirects are returned rather than followed, and the body and the time spent are bounded.
 * Shared by MTA-STS policy fetches and the OpenPGP key fetches (WKD, VKS).
 */
import https from 'node:https';
import type tls from 'node:tls';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { SendguardError } from '../../core/errors';
import { lightIdentityCertificate } from './identity-certificate';
import { contextTrusting } from './trust';
import { AddressNotAllowedError, vetAddress } from './address-policy';
import { untilAborted } from './until-aborted';

export interface HttpsGetOptions {
  /** Addresses of a host name, [] when it has none; throws when DNS fails. Never Node's own lookup. */
  resolveAddresses: (host: string, signal?: AbortSignal) => Promise<string[]>;
  allowPrivateAddresses: boolean;
  /** Extra trust anchors (PEM), added to Node's default roots rather than replacing them. */
  ca?: Buffer | string;
  /** The body may be this long; one byte more aborts the transfer with HTTP_BODY_TOO_LARGE. */
  maxBytes: number;
  /** One deadline for everything: resolution, connection, handshake and the whole body. */
  timeoutMs: number;
  signal?: AbortSignal;
  accept?: string;
  userAgent?: string;
  /** Sends this form or document as a POST instead of the GET (an OAuth token or registration request). */
  post?: { contentType: string; body: Buffer };
}

/** The network settings a caller passes through unchanged; the limits are the caller's own. */
export type HttpsNetwork = Pick<HttpsGetOptions, 'resolveAddresses' | 'allowPrivateAddresses' | 'ca'>;

export interface HttpsResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The IP address that answered. */
  address: string;
}

export type HttpsGet = (url: string, options: HttpsGetOptions) => Promise<HttpsResponse>;

type HttpsGetErrorCode =
  | 'HTTP_URL_INVALID'
  | 'HTTP_RESOLVE_FAILED'
  | 'HTTP_NAME_NOT_FOUND'
  | 'HTTP_CONNECT_FAILED'
  | 'HTTP_TLS_FAILED'
  | 'HTTP_RESPONSE_FAILED'
  | 'HTTP_BODY_TOO_LARGE'
  | 'HTTP_TIMEOUT'
  | 'HTTP_ABORTED';

export class HttpsGetError extends SendguardError {
  /** Node's certificate or handshake error code (CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID…). */
  readonly tlsCode: string | undefined;

  constructor(
    override readonly code: HttpsGetErrorCode,
    message: string,
    options?: { cause?: unknown; tlsCode?: string },
  ) {
    super(code, message, options);
    this.tlsCode = options?.tlsCode;
  }
}

const DEFAULT_USER_AGENT = 'Sendguard';

export async function httpsGet(url: string, options: HttpsGetOptions): Promise<HttpsResponse> {
  const target = parseHttpsUrl(url);
  const deadline = startDeadline(options.timeoutMs, options.signal);
  try {
    // The injected resolver may ignore its signal; the deadline must hold anyway.
    const addresses = await untilAborted(
      vettedAddresses(target.hostname, options, deadline.signal),
      deadline.signal,
      () => {
        throw deadline.signal.reason;
      },
    );
    return await firstConnecting(addresses, (address) =>
      requestFrom(target, address, options, deadline.signal),
    );
  } catch (error) {
    // Whatever broke once the deadline passed or the caller gave up, the reason the caller sees is that one.
    throw deadline.signal.aborted ? deadline.signal.reason : error;
  } finally {
    deadline.dispose();
  }
}

function parseHttpsUrl(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch (error) {
    throw new HttpsGetError('HTTP_URL_INVALID', `"${url}" is not a URL`, { cause: error });
  }
  if (target.protocol !== 'https:')
    throw new HttpsGetError('HTTP_URL_INVALID', `"${url}" is not an https URL`);
  if (target.username !== '' || target.password !== '') {
    throw new HttpsGetError('HTTP_URL_INVALID', `"${url}" carries credentials`);
  }
  if (target.hostname.startsWith('[') || /^[\d.]+$/.test(target.hostname)) {
    // Certificates are checked against the name; an address literal has none to check.
    throw new HttpsGetError('HTTP_URL_INVALID', `"${url}" names an IP address, not a host`);
  }
  return target;
}

/** An abort signal that fires with a typed error at the deadline or when the caller's own signal fires. */
function startDeadline(timeoutMs: number, callerSignal?: AbortSignal) {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new HttpsGetError('HTTP_TIMEOUT', `no complete answer within ${timeoutMs} ms`)),
    timeoutMs,
  );
  const onCallerAbort = () =>
    controller.abort(
      new HttpsGetError('HTTP_ABORTED', 'the request was cancelled', { cause: callerSignal?.reason }),
    );
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/**
 * The host's addresses that may be contacted, in the resolver's order. Refused addresses are skipped, so a name
 * that mixes public and private addresses is reached only at the public ones; when all are refused, the first
 * refusal is what the caller gets.
 */
async function vettedAddresses(
  hostname: string,
  options: HttpsGetOptions,
  signal: AbortSignal,
): Promise<string[]> {
  let addresses: string[];
  try {
    addresses = await options.resolveAddresses(hostname, signal);
  } catch (error) {
    throw new HttpsGetError('HTTP_RESOLVE_FAILED', `resolving ${hostname} failed`, { cause: error });
  }
  if (addresses.length === 0) throw new HttpsGetError('HTTP_NAME_NOT_FOUND', `${hostname} has no address`);
  const refusals: AddressNotAllowedError[] = [];
  const allowed = addresses.filter((address) => {
    try {
      vetAddress(address, options);
      return true;
    } catch (error) {
      if (!(error instanceof AddressNotAllowedError)) throw error;
      refusals.push(error);
      return false;
    }
  });
  if (allowed.length === 0) throw refusals[0];
  return allowed;
}

/** Tries each address in order until one accepts a TCP connection; later failures end the attempt. */
async function firstConnecting(
  addresses: string[],
  attempt: (address: string) => Promise<HttpsResponse>,
): Promise<HttpsResponse> {
  const failures: HttpsGetError[] = [];
  for (const address of addresses) {
    try {
      return await attempt(address);
    } catch (error) {
      if (!(error instanceof HttpsGetError && error.code === 'HTTP_CONNECT_FAILED')) throw error;
      failures.push(error);
    }
  }
  throw new HttpsGetError('HTTP_CONNECT_FAILED', failures.map((failure) => failure.message).join('; '), {
    cause: failures[0],
  });
}

type Phase = 'connect' | 'tls' | 'http';

function requestFrom(
  target: URL,
  address: string,
  options: HttpsGetOptions,
  signal: AbortSignal,
): Promise<HttpsResponse> {
  return new Promise((resolve, reject) => {
    let phase: Phase = 'connect';
    const request = https.request({
      host: address,
      port: target.port === '' ? 443 : Number(target.port),
      path: `${target.pathname}${target.search}`,
      method: options.post ? 'POST' : 'GET',
      servername: target.hostname,
      headers: {
        Host: target.host,
        Accept: options.accept ?? '*/*',
        'User-Agent': options.userAgent ?? DEFAULT_USER_AGENT,
        ...(options.post
          ? { 'Content-Type': options.post.contentType, 'Content-Length': options.post.body.length }
          : {}),
      },
      // https.request hands its options on to tls.connect, but its type does not list the shared context.
      ...({ secureContext: contextTrusting(options.ca) } satisfies tls.ConnectionOptions),
      // A fresh connection per request: a pooled socket could belong to another name or another trust store.
      agent: false,
      signal,
    });
    request.on('socket', (socket) => {
      lightIdentityCertificate(socket as tls.TLSSocket, 'leaf');
      socket.once('connect', () => (phase = 'tls'));
      socket.once('secureConnect', () => (phase = 'http'));
    });
    request.on('error', (error) => reject(classify(error, phase, address)));
    request.on('response', (response) => {
      readCapped(response, options.maxBytes)
        .then((body) =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body, address }),
        )
        .catch((error: unknown) => {
          request.destroy();
          reject(error);
        });
    });
    request.end(options.post?.body);
  });
}

function classify(error: NodeJS.ErrnoException, phase: Phase, address: string): HttpsGetError {
  switch (phase) {
    case 'connect':
      return new HttpsGetError('HTTP_CONNECT_FAILED', `${address}: ${error.code ?? error.message}`, {
        cause: error,
      });
    case 'tls':
      return new HttpsGetError('HTTP_TLS_FAILED', `${address}: TLS failed: ${error.code ?? error.message}`, {
        cause: error,
        tlsCode: error.code,
      });
    case 'http':
      return new HttpsGetError('HTTP_RESPONSE_FAILED', `${address}: ${error.message}`, { cause: error });
  }
}

function readCapped(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () =>
      new HttpsGetError('HTTP_BODY_TOO_LARGE', `the body is larger than ${maxBytes} bytes`);
    if (Number(response.headers['content-length']) > maxBytes) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let length = 0;
    response.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > maxBytes) return reject(tooLarge());
      chunks.push(chunk);
    });
    response.on('end', () => {
      if (!response.complete) reject(new HttpsGetError('HTTP_RESPONSE_FAILED', 'the body was cut short'));
      else resolve(Buffer.concat(chunks));
    });
    response.on('error', (error) =>
      reject(
        new HttpsGetError('HTTP_RESPONSE_FAILED', `reading the body failed: ${error.message}`, {
          cause: error,
        }),
      ),
    );
  });
}
