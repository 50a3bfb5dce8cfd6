/**
 * The admin's policy (`/api/v1/admin/policy`, `/api/v1/admin/overrides`), every route for the admin role only:
 * the policy in force with its saved versions, a check of an edited text as the policy file is judged, a preview
 * of what the edit would have changed over the recent decision records, saving it as a new version, and a domain
 * override set or removed in the text in force. Saving records who saved what (`savedBy`, a log line).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { actingAdmin } from '../admin/acting-admin';
import type { ApiContext } from '../api/context';
import { warnOfMissingComplianceKey } from '../api/policy';
import { ADMIN_ONLY } from '../auth/plugin';
import { NotFoundError } from '../api/errors';
import { jsonSchema } from '../api/schema';
import { checkPolicyText, type PolicyCheck } from './check';
import { domainPattern, removeOverride, setOverride, type OverrideFields } from './overrides';
import { previewPolicy } from './preview';
import { restartNeeded } from './read-at-start';
import { saveVersion, type SaveDeps } from './save';
import {
  BODY_LIMIT,
  CheckAnswer,
  CheckRequest,
  HISTORY_MAX,
  OverrideParams,
  OverrideRequest,
  PolicyAnswer,
  PreviewAnswer,
  PreviewRequest,
  RevisionParams,
  SaveAnswer,
  SaveRequest,
  SavedVersionAnswer,
  VersionAnswer,
} from './schemas';
import type { SavedPolicy } from '../store/store';

/** A saved version as the routes answer it: its number named `revision`. */
function answerOf<T extends Omit<SavedPolicy, 'text'>>({ seq, ...rest }: T) {
  return { revision: seq, ...rest };
}

/** An invalid text refused with the check's errors (400 POLICY_INVALID), as the check answers them. */
function refuseInvalid(check: Extract<PolicyCheck, { valid: false }>, reply: FastifyReply): FastifyReply {
  const first = check.errors[0]!;
  const message = `the policy is not valid: ${first.path ? `${first.path}: ` : ''}${first.message}`;
  return reply.code(400).send({ error: { code: 'POLICY_INVALID', message, errors: check.errors } });
}

const adminPolicy: FastifyPluginAsync<ApiContext> = async (app, { store, servedPolicy, clock }) => {
  const saving: SaveDeps = { versions: store.policyVersions, servedPolicy, clock };
  // What the key service was given when the service started (serve.ts): changes to it wait for a restart.
  const startedWith = servedPolicy.running.policy;
  const admin = { config: ADMIN_ONLY, schema: { tags: ['admin'] } };

  /**
   * `text` checked and saved over revision `baseRevision` by the caller, with a log line of who saved what; an
   * invalid text is refused.
   */
  const checkAndSave = async (
    request: FastifyRequest,
    reply: FastifyReply,
    edit: { text: string; baseRevision: number; note?: string | undefined },
  ) => {
    const check = checkPolicyText(edit.text);
    if (!check.valid) return refuseInvalid(check, reply);
    const { text, baseRevision, note } = edit;
    const saved = await saveVersion(
      saving,
      { text, policy: check.policy, savedBy: actingAdmin(request), ...(note ? { note } : {}) },
      baseRevision,
    );
    const restart = restartNeeded(startedWith, saved.policy);
    request.log.info(
      { seq: saved.seq, version: saved.version, savedBy: saved.savedBy, note, restartNeeded: restart },
      'policy version saved: in force now',
    );
    warnOfMissingComplianceKey(request.log, servedPolicy);
    return { version: saved.version, restartNeeded: restart };
  };

  /** The override routes' edit of the text in force, saved with `note`. */
  const saveEdited = async (
    request: FastifyRequest,
    reply: FastifyReply,
    edit: (text: string) => string,
    note: string,
  ) => {
    await servedPolicy.settled();
    const { text, seq } = servedPolicy.running;
    return checkAndSave(request, reply, { text: edit(text), baseRevision: seq, note });
  };

  app.get(
    '/admin/policy',
    { ...admin, schema: { ...admin.schema, response: { 200: jsonSchema(PolicyAnswer, 'output') } } },
    async () => {
      await servedPolicy.settled();
      const { seq, version, text, source, savedBy, savedAt, note } = servedPolicy.running;
      const history = await store.policyVersions.history(HISTORY_MAX);
      return {
        revision: seq,
        version,
        text,
        source,
        savedBy,
        savedAt,
        note,
        history: history.map(answerOf),
      };
    },
  );

  app.get<{ Params: z.infer<typeof RevisionParams> }>(
    '/admin/policy/versions/:revision',
    {
      ...admin,
      schema: {
        ...admin.schema,
        params: jsonSchema(RevisionParams),
        response: { 200: jsonSchema(SavedVersionAnswer, 'output') },
      },
    },
    async (request) => {
      const saved = await store.policyVersions.get(Number(request.params.revision));
      if (saved === undefined) throw new NotFoundError(`policy version ${request.params.revision}`);
      return answerOf(saved);
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
    async (request, reply) => checkAndSave(request, reply, request.body),
  );

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
      const edit = (text: string) => setOverride(text, pattern, fields);
      return saveEdited(request, reply, edit, `override for ${pattern} set: ${fields.note}`);
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
      const edit = (text: string) => removeOverride(text, pattern);
      return saveEdited(request, reply, edit, `override for ${pattern} removed`);
    },
  );
};

export default adminPolicy;
