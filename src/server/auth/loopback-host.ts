/**
 * Development mode answers every caller as an admin, so it must answer only pages that addressed it as
 * localhost: a DNS-rebinding page reaches 127.0.0.1 too, but its requests carry its own name in `Host`.
 */
import { isIPv4 } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { SendguardError } from '../../core/errors';

const NAME_CHARS = new Set('abcdefghijklmnopqrstuvwxyz0123456789-.');

function isPort(text: string): boolean {
  return text.length >= 1 && text.length <= 5 && [...text].every((c) => c >= '0' && c <= '9');
}

/** `localhost`, `*.localhost`, `127.x.y.z` or `[::1]`, each with any port or none. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host || host.length > 255) return false;
  const lower = host.toLowerCase();
  let name: string;
  let port: string | undefined;
  if (lower.startsWith('[')) {
    const end = lower.indexOf(']');
    name = lower.slice(1, end);
    const rest = lower.slice(end + 1);
    if (end < 0 || (rest !== '' && !rest.startsWith(':'))) return false;
    port = rest === '' ? undefined : rest.slice(1);
    if (name !== '::1') return false;
  } else {
    const [first = '', second, extra] = lower.split(':');
    if (extra !== undefined) return false;
    name = first;
    port = second;
  }
  if (port !== undefined && !isPort(port)) return false;
  if (name === '::1' || name === 'localhost') return true;
  if (isIPv4(name)) return name.startsWith('127.');
  return (
    name.endsWith('.localhost') &&
    !name.startsWith('.') &&
    !name.includes('..') &&
    [...name].every((c) => NAME_CHARS.has(c))
  );
}

/** An `onRequest` hook for development mode: HOST_NOT_LOOPBACK (421) for any request not addressed to a loopback name. */
export function refuseForeignHost(publicUrl: string) {
  return async (request: FastifyRequest): Promise<void> => {
    if (isLoopbackHost(request.headers.host)) return;
    request.log.warn('development mode: refused a request addressed to another host name');
    throw new SendguardError(
      'HOST_NOT_LOOPBACK',
      `This Sendguard runs in development mode without authentication and only answers requests addressed to localhost, 127.0.0.1 or [::1]; this one was addressed to another host name, as a page using DNS rebinding would be. Open ${publicUrl} instead.`,
    );
  };
}
