/** How the records an admin's action leaves (an audit entry, a key decision) name the admin. */
import type { FastifyRequest } from 'fastify';
import { callerOf } from '../auth/plugin';

/**
 * The caller's mailbox, which a person reading the record knows them by; the subject (an API token's
 * `token:<id>`, an Entra object ID) when the caller has none.
 */
export function actingAdmin(request: FastifyRequest): string {
  const caller = callerOf(request);
  return caller.address ?? caller.subject;
}

/** The admin acting, when `request` is on a route only admins reach; undefined on any other route. */
export function adminOfRoute(request: FastifyRequest): string | undefined {
  return request.routeOptions.config.admin ? actingAdmin(request) : undefined;
}
