/**
 * The admin's API behind the console's Domains and Keys pages, every route for the admin role only. Secure
 * messages are the escrow area's (`messages.ts`, registered with it), policy and decisions their own areas'.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../api/context';
import adminDomains from './domains';
import adminKeys from './keys';

const adminPlugin: FastifyPluginAsync<ApiContext> = async (app, context) => {
  await app.register(adminDomains, context);
  await app.register(adminKeys, context);
};

export default adminPlugin;
