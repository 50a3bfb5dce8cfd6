/**
 * `sendguard whoami`: who a Sendguard service thinks the holder of a token is (`GET /api/v1/me`) — how an admin
 * tells that sign-in works: an Entra token from the add-in, or an API token and the owner it was issued for.
 */
import http from 'node:http';
import https from 'node:https';
import { parseArgs } from 'node:util';
import { readErrorBody } from '../../core/error-body';
import { SendguardError } from '../../core/errors';
import { readIdentity, type CallerKind, type Identity } from '../../core/identity';
import { WHOAMI_HELP } from '../help';
import { readInput, UsageError, type CliIo } from '../io';

/** The service answers at once; a minute covers a slow proxy or a cold start. */
const TIMEOUT_MS = 60_000;
const MAX_ANSWER_BYTES = 64 * 1024;

interface Answer {
  status: number;
  body: unknown;
}

/**
 * `GET /api/v1/me` under the service's address with its path prefix kept (`https://host/sendguard/` →
 * `https://host/sendguard/api/v1/me`), as the add-in's client builds its requests.
 */
function meUrl(service: URL): URL {
  let path = service.pathname;
  while (path.endsWith('/')) path = path.slice(0, -1);
  return new URL(`${service.origin}${path}/api/v1/me`);
}

function requestMe(url: URL, token: string, ca: string | undefined): Promise<Answer> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(
      meUrl(url),
      {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        timeout: TIMEOUT_MS,
        ...(ca ? { ca } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES)
            request.destroy(new Error(`the answer is over ${MAX_ANSWER_BYTES} bytes`));
          else chunks.push(chunk);
        });
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: response.statusCode ?? 0, body });
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer in ${TIMEOUT_MS / 1000} seconds`)));
    request.on('error', reject);
  });
}

/** Why the service could not be asked, in words that say what to check. */
function unreachable(url: URL, error: unknown): SendguardError {
  const { code, message } = error as { code?: string; message?: string };
  const tls =
    code === 'SELF_SIGNED_CERT_IN_CHAIN' ||
    code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY';
  const hint = tls ? '; its certificate is not trusted here: give its CA with --ca-file' : '';
  return new SendguardError(
    'WHOAMI_UNREACHABLE',
    `cannot reach the service at ${url.origin}: ${code ?? message}${hint}`,
  );
}

const KIND_WORDS: Record<CallerKind, string> = {
  entra: 'a Microsoft Entra ID user',
  token: 'an API token',
  dev: 'development mode: the service checks no sign-in',
};

function describe(me: Identity): string {
  const who = me.name && me.address ? `${me.name} <${me.address}>` : (me.address ?? me.name ?? me.subject);
  const lines = [
    `You are ${who}`,
    `  signed in as: ${KIND_WORDS[me.kind]} (${me.subject}${me.tenant ? `, tenant ${me.tenant}` : ''})`,
    `  roles: ${me.roles.join(', ')}`,
  ];
  if (!me.address)
    lines.push('  no mailbox: secure messages you send name you without an address for notices');
  return `${lines.join('\n')}\n`;
}

function refusal(url: URL, answer: Answer): SendguardError {
  const error = readErrorBody(answer.body);
  if (answer.status === 401) {
    return new SendguardError(
      'WHOAMI_REFUSED',
      `the service at ${url.origin} refused the token (401${error ? ` ${error.code}` : ''}): it is expired, revoked, or not issued for this service; the service's log says which`,
    );
  }
  return new SendguardError(
    'WHOAMI_FAILED',
    `the service at ${url.origin} answered HTTP ${answer.status}${error ? `: ${error.message}` : ''}`,
  );
}

function serviceUrl(text: string | undefined): URL {
  if (!text) throw new UsageError(`give the service's address with --url https://HOST\n\n${WHOAMI_HELP}`);
  const url = URL.parse(text);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new UsageError(`--url ${text} is not an https:// or http:// address`);
  return url;
}

export async function whoamiCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      'ca-file': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const url = serviceUrl(values.url);
  const token = values.token ?? io.env.SENDGUARD_TOKEN;
  if (!token) throw new UsageError('give the token with --token or SENDGUARD_TOKEN');
  const caFile = values['ca-file'] ?? io.env.SENDGUARD_CA_FILE;
  const ca = caFile ? await readInput(io, caFile) : undefined;
  let answer: Answer;
  try {
    answer = await requestMe(url, token, ca);
  } catch (error) {
    throw unreachable(url, error);
  }
  if (answer.status !== 200) throw refusal(url, answer);
  let me: Identity;
  try {
    me = readIdentity(answer.body);
  } catch (error) {
    throw new SendguardError(
      'WHOAMI_FAILED',
      `the service at ${url.origin} did not answer who you are (is it a Sendguard service?)`,
      { cause: error },
    );
  }
  io.out(values.json ? `${JSON.stringify(me, null, 2)}\n` : describe(me));
  return 0;
}
