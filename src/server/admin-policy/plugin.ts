/**
 * The admin's policy (`/api/v1/admin/policy`, `/api/v1/admin/overrides`), every route for the admin role only:
 * the policy in force with its saved versions, a check of an edited text as the policy file is judged, a preview
 * of what the edit would have changed over the recent decision records, saving it as a new version, and a domain
 * override set or removed in the text in force. Saving records who saved what (`savedBy`, a log line).
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { MAX_POLICY_BYTES } from '../../core/policy/parse';
import { POLICY_LIMITS, POLICY_WORDS } from '../../core/policy/limits';
import { PROTECTIONS, REQUIREMENTS } from '../../core/vocabulary';
import { MESSAGE_ACTIONS } from '../../core/decisions/record';
import { actingAdmin } from '../admin/acting-admin';
import { ADMIN_ONLY } from '../auth/plugin';
import type { ApiContext } from '../api/context';
import { jsonSchema } from '../api/schema';
import { checkPolicyText, type PolicyCheck } from './check';
import { domainPattern, removeOverride, setOverride, type OverrideFields } from './overrides';
import { PREVIEW_LIMITS, previewPolicy } from './preview';
import { restartNeeded } from './read-at-start';
import { saveVersion, type SaveDeps } from './save';

/** Saved versions `GET /admin/policy` lists. */
const HISTORY_MAX = 50;
/** A text at the policy's size cap, even with every character escaped in JSON, and the fields around it. */
const BODY_LIMIT = 6 * MAX_POLICY_BYTES + 4096;
const NOTE_MAX = 500;

const Text = z.string().describe(`the policy in YAML (or JSON); at most ${MAX_POLICY_BYTES} bytes`);
const CheckRequest = z.strictObject({ text: Text });
const PreviewRequest = z.strictObject({
  text: Text,
  days: z.number().int().min(1).max(PREVIEW_LIMITS.daysMax).default(PREVIEW_LIMITS.daysDefault),
});
const SaveRequest = z.strictObject({
  text: Text,
  /** The version the edit started from: refused (409 POLICY_CHANGED) when another was saved since. */
  baseVersion: z.string().min(1).max(128),
  note: z.string().min(1).max(NOTE_MAX).optional(),
});
const OverrideParams = z.strictObject({ domain: z.string().min(1).max(255) });
const OverrideRequest = z.strictObject({
  /** Shown to the sender as the reason. */
  note: z.string().min(1).max(POLICY_LIMITS.noteMax),
  trustTransport: z.enum(POLICY_WORDS.trustedTransports).optional(),
  requirement: z.enum(REQUIREMENTS).optional(),
});

const VersionSummary = z.object({
  version: z.string(),
  savedBy: z.string(),
  savedAt: z.string(),
  note: z.string().optional(),
});
const PolicyAnswer = VersionSummary.partial({ savedBy: true, savedAt: true }).extend({
  text: z.string(),
  source: z.enum(['file', 'console']),
  history: z.array(VersionSummary),
});
const Problem = z.object({
  message: z.string(),
  path: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
});
const CheckAnswer = z.object({
  valid: z.boolean(),
  version: z.string().optional(),
  errors: z.array(Problem),
});
const counts = (keys: readonly string[]) =>
  z.object(Object.fromEntries(keys.map((key) => [key, z.number()])));
const PreviewAnswer = z.object({
  from: z.string(),
  to: z.string(),
  messages: z.number(),
  before: counts(MESSAGE_ACTIONS),
  after: counts(MESSAGE_ACTIONS),
  recipientsBefore: counts(PROTECTIONS),
  recipientsAfter: counts(PROTECTIONS),
  changedMessages: z.number(),
  domains: z.array(
    z.object({
      domain: z.string(),
      from: z.enum(PROTECTIONS),
      to: z.enum(PROTECTIONS),
      recipients: z.number(),
    }),
  ),
});
const SaveAnswer = z.object({
  version: z.string(),
  /** Settings of the new version that the service reads only at start: in force once it restarts. */
  restartNeeded: z.array(z.string()),
});
const VersionAnswer = z.object({ version: z.string() });

/** An invalid text refused with the check's errors (400 POLICY_INVALID); the checked policy otherwise. */
function refuseInvalid(check: PolicyCheck, reply: FastifyReply) {
  if (check.valid) return undefined;
  const first = check.errors[0]!;
  const message = `the policy is not valid: ${first.path ? `${first.path}: ` : ''}${first.message}`;
  return reply.code(400).send({ error: { code: 'POLICY_INVALID', message, errors: check.errors } });
}

const adminPolicy: FastifyPluginAsync<ApiContext> = async (app, { store, servedPolicy, clock }) => {
  const saving: SaveDeps = { versions: store.policyVersions, servedPolicy, clock };
  // What the key service was given when the service started (serve.ts): changes to it wait for a restart.
  const startedWith = servedPolicy.running.policy;
  const admin = { config: ADMIN_ONLY, schema: { tags: ['admin'] } };

  app.get(
    '/admin/policy',
    { ...admin, schema: { ...admin.schema, response: { 200: jsonSchema(PolicyAnswer, 'output') } } },
    async () => {
      await servedPolicy.settled();
      const { version, text, source, savedBy, savedAt, note } = servedPolicy.running;
      const history = await store.policyVersions.history(HISTORY_MAX);
      return {
        version,
        text,
        source,
        savedBy,
        savedAt,
        note,
        history: history.map(({ seq: _seq, ...summary }) => summary),
      };
    },
  );

  app.post<{ Body: z.infer<typeof CheckRequest> }>(
    '/admin/policy/check',
    {
      ...admin,
      bodyLimit: BODY_LIMIT,
      schema: {
        ...admin.schema,
        body: jsonSchema(CheckRequest),
        response: { 200: jsonSchema(CheckAnswer, 'output') },
      },
    },
    async (request) => {
      const check = checkPolicyText(request.body.text);
      return check.valid ? { valid: true, version: check.version, errors: [] } : check;
    },
  );

  app.post<{ Body: z.infer<typeof PreviewRequest> }>(
    '/admin/policy/preview',
    {
      ...admin,
      bodyLimit: BODY_LIMIT,
      schema: {
        ...admin.schema,
        body: jsonSchema(PreviewRequest),
        response: { 200: jsonSchema(PreviewAnswer, 'output') },
      },
    },
    async (request, reply) => {
      const check = checkPolicyText(request.body.text);
      if (!check.valid) return refuseInvalid(check, reply);
      await servedPolicy.settled();
      return previewPolicy(check.policy, servedPolicy.running.policy, request.body.days, {
        decisions: store.decisions,
        clock,
      });
    },
  );

  app.put<{ Body: z.infer<typeof SaveRequest> }>(
    '/admin/policy',
    {
      ...admin,
      bodyLimit: BODY_LIMIT,
      schema: {
        ...admin.schema,
        body: jsonSchema(SaveRequest),
        response: { 200: jsonSchema(SaveAnswer, 'output') },
      },
    },
    async (request, reply) => {
      const { text, baseVersion, note } = request.body;
      const check = checkPolicyText(text);
      if (!check.valid) return refuseInvalid(check, reply);
      const saved = await saveVersion(
        saving,
        { text, policy: check.policy, savedBy: actingAdmin(request), ...(note ? { note } : {}) },
        baseVersion,
      );
      const restart = restartNeeded(startedWith, saved.policy);
      request.log.info(
        { seq: saved.seq, version: saved.version, savedBy: saved.savedBy, note, restartNeeded: restart },
        'policy version saved: in force now',
      );
      return { version: saved.version, restartNeeded: restart };
    },
  );

  /** The policy in force with its text edited by `edit`, saved with `note`. */
  const saveEdited = async (
    request: Parameters<typeof actingAdmin>[0],
    reply: FastifyReply,
    edit: (text: string) => string,
    note: string,
  ) => {
    await servedPolicy.settled();
    const text = edit(servedPolicy.running.text);
    const check = checkPolicyText(text);
    if (!check.valid) return refuseInvalid(check, reply);
    const saved = await saveVersion(
      saving,
      { text, policy: check.policy, savedBy: actingAdmin(request), note },
      servedPolicy.running.version,
    );
    request.log.info(
      { seq: saved.seq, version: saved.version, savedBy: saved.savedBy, note },
      'policy version saved: in force now',
    );
    return { version: saved.version };
  };

  app.put<{ Params: z.infer<typeof OverrideParams>; Body: z.infer<typeof OverrideRequest> }>(
    '/admin/overrides/:domain',
    {
      ...admin,
      schema: {
        ...admin.schema,
        params: jsonSchema(OverrideParams),
        body: jsonSchema(OverrideRequest),
        response: { 200: jsonSchema(VersionAnswer, 'output') },
      },
    },
    async (request, reply) => {
      const pattern = domainPattern(request.params.domain);
      const fields: OverrideFields = request.body;
      return saveEdited(
        request,
        reply,
        (text) => setOverride(text, pattern, fields),
        `override for ${pattern} set: ${fields.note}`,
      );
    },
  );

  app.delete<{ Params: z.infer<typeof OverrideParams> }>(
    '/admin/overrides/:domain',
    {
      ...admin,
      schema: {
        ...admin.schema,
        params: jsonSchema(OverrideParams),
        response: { 200: jsonSchema(VersionAnswer, 'output') },
      },
    },
    async (request, reply) => {
      const pattern = domainPattern(request.params.domain);
      return saveEdited(
        request,
        reply,
        (text) => removeOverride(text, pattern),
        `override for ${pattern} removed`,
      );
    },
  );
};

export default adminPolicy;
