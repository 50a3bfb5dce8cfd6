/** The escrow routes' one reader of the Cookie header. */
import type { FastifyRequest } from 'fastify';

/**
 * The value of the cookie `name` the request carries (RFC 6265 §5.4: `name=value` pairs split by `;`), the first
 * when there are several; undefined when none. The caller checks the value's form.
 */
export function cookieValue(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
