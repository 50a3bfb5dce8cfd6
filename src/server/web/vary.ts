/**
 * Vary names every request header a reply depends on, and several parts of the service add to it (@fastify/cors
 * adds `Origin`): each adds its field to what the reply already has rather than setting the header over it.
 */
import type { FastifyReply } from 'fastify';

/** Adds `field` to the reply's Vary header, unless it is named there already or Vary is `*` (which covers it). */
export function addVary(reply: FastifyReply, field: string): void {
  const current = reply.getHeader('vary');
  const text = Array.isArray(current) ? current.join(',') : current === undefined ? '' : String(current);
  const fields = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  const wanted = field.toLowerCase();
  if (fields.some((name) => name === '*' || name.toLowerCase() === wanted)) return;
  reply.header('vary', [...fields, field].join(', '));
}
