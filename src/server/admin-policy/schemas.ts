/** The admin policy routes' requests and answers, in zod (`../api/schema.ts` makes their JSON Schema). */
import { z } from 'zod';
import { MESSAGE_ACTIONS } from '../../core/decisions/record';
import { MAX_POLICY_BYTES } from '../../core/policy/parse';
import { POLICY_LIMITS, POLICY_WORDS } from '../../core/policy/limits';
import { PROTECTIONS, REQUIREMENTS } from '../../core/vocabulary';
import { PREVIEW_LIMITS } from './preview';

/** Saved versions `GET /admin/policy` lists. */
export const HISTORY_MAX = 50;
/** A text at the policy's size cap, even with every character escaped in JSON, and the fields around it. */
export const BODY_LIMIT = 6 * MAX_POLICY_BYTES + 4096;
const NOTE_MAX = 500;

const Text = z.string().describe(`the policy in YAML (or JSON); at most ${MAX_POLICY_BYTES} bytes`);
export const CheckRequest = z.strictObject({ text: Text });
export const PreviewRequest = z.strictObject({
  text: Text,
  days: z.number().int().min(1).max(PREVIEW_LIMITS.daysMax).default(PREVIEW_LIMITS.daysDefault),
});
export const SaveRequest = z.strictObject({
  text: Text,
  /**
   * The revision the edit started from (`GET /admin/policy`'s `revision`): refused (409 POLICY_CHANGED) when another
   * was saved since.
   */
  baseRevision: z.number().int().min(0),
  note: z.string().min(1).max(NOTE_MAX).optional(),
});
export const OverrideParams = z.strictObject({ domain: z.string().min(1).max(255) });
export const OverrideRequest = z.strictObject({
  /** Shown to the sender as the reason. */
  note: z.string().min(1).max(POLICY_LIMITS.noteMax),
  trustTransport: z.enum(POLICY_WORDS.trustedTransports).optional(),
  requirement: z.enum(REQUIREMENTS).optional(),
});

/** A saved version's number in a path (paths are strings, and are not coerced). */
export const RevisionParams = z.strictObject({ revision: z.string().regex(/^[1-9][0-9]{0,8}$/) });

const VersionSummary = z.object({
  /** The saved version's number: 1 for the first, one more for each after it; 0 for the policy file. */
  revision: z.number(),
  version: z.string(),
  savedBy: z.string(),
  savedAt: z.string(),
  note: z.string().optional(),
});
export const PolicyAnswer = VersionSummary.partial({ savedBy: true, savedAt: true }).extend({
  text: z.string(),
  source: z.enum(['file', 'console']),
  history: z.array(VersionSummary),
});
export const SavedVersionAnswer = VersionSummary.extend({ text: z.string() });
const Problem = z.object({
  message: z.string(),
  path: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
});
export const CheckAnswer = z.object({
  valid: z.boolean(),
  version: z.string().optional(),
  errors: z.array(Problem),
});
const counts = (keys: readonly string[]) =>
  z.object(Object.fromEntries(keys.map((key) => [key, z.number()])));
export const PreviewAnswer = z.object({
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
export const SaveAnswer = z.object({
  version: z.string(),
  /** Settings of the new version that the service reads only at start: in force once it restarts. */
  restartNeeded: z.array(z.string()),
});
export const VersionAnswer = z.object({ version: z.string() });
