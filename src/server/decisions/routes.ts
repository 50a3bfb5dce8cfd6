/**
 * Decision records over HTTP: the add-ins report each send check's outcome (`POST /decisions`, any signed-in
 * caller, who is the sender), and admins read them back (`GET /admin/decisions`) and the overview counted from
 * them (`GET /admin/overview`). A report names no subject, body or attachment: its schema refuses any key it does
 * not list.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { DecisionOverview } from '../../core/decisions/overview';
import { DECISION_LIMITS as L, DecisionRecord, DecisionReport } from '../../core/decisions/record';
import type { ApiContext } from '../api/context';
import { jsonSchema } from '../api/schema';
import { ADMIN_ONLY, callerOf } from '../auth/plugin';
import { DECISION_ID } from '../store/decision-store';
import type { BuiltInProvider } from '../escrow/sign-in/built-in';
import { issuerProviderId } from '../escrow/sign-in/directory';
import { overviewOf, overviewWindow } from './overview';
import { recordOf, type KnownNames } from './record-of';

interface DecisionRouteOptions extends Pick<ApiContext, 'config' | 'store' | 'servedPolicy' | 'clock'> {
  /** The pseudonym key (`<dataDir>/decision-key`). */
  decisionKey: Uint8Array;
}

/**
 * Whole numbers as a query string carries them, bounded by pattern alone: the route's JSON schema is what checks
 * them, and a zod refinement would not reach it.
 */
const PAGE_SIZE = /^(?:[1-9][0-9]{0,2}|[1-4][0-9]{3}|5000)$/;
const DAYS = /^(?:[1-9][0-9]?|[12][0-9]{2}|3[0-5][0-9]|36[0-5])$/;

const DecisionsQuery = z.strictObject({
  /** The records made from this time on (all kept, when absent) and before `to` (until now, when absent). */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** Records on the page, 1 to 5000 (500 when absent). */
  limit: z.string().regex(PAGE_SIZE, `a number of records from 1 to ${L.listMax}`).optional(),
  /** The `next` of the page before. */
  after: z.string().regex(DECISION_ID, 'the next of the page before').optional(),
});
type DecisionsQuery = z.infer<typeof DecisionsQuery>;

const DecisionPage = z.object({ records: z.array(DecisionRecord), next: z.string().optional() });

const OverviewQuery = z.strictObject({
  /** Days counted back from today's, today included: 1 to 365 (30 when absent). */
  days: z.string().regex(DAYS, `a number of days from 1 to ${L.overviewDaysMax}`).optional(),
});
type OverviewQuery = z.infer<typeof OverviewQuery>;

const TAGS = ['decisions'];

/** The built-in providers' ids, as the sign-in directory names them. */
const BUILT_IN_PROVIDERS: readonly BuiltInProvider[] = ['microsoft', 'google'];

const decisionRoutes: FastifyPluginAsync<DecisionRouteOptions> = async (app, options) => {
  const { config, store, servedPolicy, clock, decisionKey } = options;
  const pseudonymKey = config.decisions.fullAddresses ? undefined : decisionKey;
  const signInProviders: ReadonlySet<string> = new Set([
    ...BUILT_IN_PROVIDERS,
    ...config.escrow.signIn.issuers.map(({ issuer }) => issuerProviderId(issuer)),
  ]);
  /** The running policy's names, asked per report: a saved policy replaces the one in force. */
  const knownNames = (): KnownNames => {
    const policy = servedPolicy.current;
    return {
      classifications: new Set(policy.classifications.map(({ name }) => name)),
      defaultClassification: policy.defaultClassification,
      signInProviders,
    };
  };

  app.post<{ Body: DecisionReport }>(
    '/decisions',
    { schema: { tags: TAGS, body: jsonSchema(DecisionReport) } },
    async (request, reply) => {
      const stamp = {
        at: clock.now(),
        policyVersion: servedPolicy.version,
        caller: callerOf(request),
        pseudonymKey,
        known: knownNames(),
      };
      await store.decisions.insert(recordOf(request.body, stamp));
      return reply.status(204).send();
    },
  );

  app.get<{ Querystring: DecisionsQuery }>(
    '/admin/decisions',
    {
      config: ADMIN_ONLY,
      schema: {
        tags: ['admin'],
        querystring: jsonSchema(DecisionsQuery),
        response: { 200: jsonSchema(DecisionPage, 'output') },
      },
    },
    async (request) => {
      const { from, to, limit, after } = request.query;
      const range = {
        from: from === undefined ? 0 : Date.parse(from),
        to: to === undefined ? clock.now() + 1 : Date.parse(to),
      };
      return store.decisions.list(range, limit === undefined ? L.listDefault : Number(limit), after);
    },
  );

  app.get<{ Querystring: OverviewQuery }>(
    '/admin/overview',
    {
      config: ADMIN_ONLY,
      schema: {
        tags: ['admin'],
        querystring: jsonSchema(OverviewQuery),
        response: { 200: jsonSchema(DecisionOverview, 'output') },
      },
    },
    async (request) => {
      const days = request.query.days === undefined ? L.overviewDaysDefault : Number(request.query.days);
      const window = overviewWindow(clock.now(), days);
      return overviewOf(window, await store.decisions.figures(window, L.topDomains));
    },
  );
};

export default decisionRoutes;
