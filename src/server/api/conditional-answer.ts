/**
 * Answers a client keeps and revalidates (RFC 9110 §8.8.3, §13.1.2): the answer carries an ETag of exactly what is
 * served, and a request naming that tag in If-None-Match gets a 304 without a body. Each use asks again
 * (`no-cache`): a kept copy is confirmed by the service, never trusted unasked.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** JSON with object keys sorted at every level, so equal values serialise (and hash) equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The ETag of one served answer: its canonical JSON's SHA-256, quoted as RFC 9110 §8.8.3 writes a strong tag. */
export function entityTag(answer: unknown): string {
  return `"${createHash('sha256').update(canonicalJson(answer)).digest('base64url')}"`;
}

/**
 * Whether an If-None-Match field names `etag` (RFC 9110 §13.1.2: a list of tags, or `*`; compared weakly, so a
 * `W/` prefix a proxy added still matches). Split on commas and trimmed: no pattern runs over the caller's field.
 */
export function namesTag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((item) => {
    const tag = item.trim();
    return tag === '*' || (tag.startsWith('W/') ? tag.slice(2) : tag) === etag;
  });
}

/** The route's 304 in its response schema. */
export const NOT_MODIFIED_SCHEMA = {
  description: 'the copy named by If-None-Match is current',
  type: 'null',
};

/**
 * `answer` with its tag `etag`, or a 304 when the request names that tag. `scope`: `private` for an answer that
 * follows the sign-in (no shared cache may keep it), `public` for one every caller gets alike.
 */
export function answerKept<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  etag: string,
  answer: T,
  scope: 'public' | 'private',
): T | FastifyReply {
  reply.header('etag', etag).header('cache-control', `${scope}, no-cache`);
  return namesTag(request.headers['if-none-match'], etag) ? reply.code(304).send() : answer;
}
