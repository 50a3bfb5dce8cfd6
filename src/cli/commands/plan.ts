/** `sendguard plan`: the decision engine on recipients and an assessments file, before any backend exists. */
import { parseArgs } from 'node:util';
import { parseRecipients } from '../../core/addresses';
import type { Finding } from '../../core/detectors';
import { evaluateMessage } from '../../core/evaluate';
import { proofName, type Plan, type RecipientPlan } from '../../core/plan';
import { capitalised } from '../../core/english';
import { PROTECTION_NAMES } from '../../core/vocabulary';
import { Assessments } from '../../core/wire';
import { PLAN_HELP } from '../help';
import { readInput, UsageError, type CliIo } from '../io';
import { loadPolicy } from '../policy-file';

/** The proof a secure-pickup recipient gives, after their transport and key. */
function proofOf(r: RecipientPlan): string {
  return r.proof ? `, proof: ${proofName(r.proof, r.signIn)}` : '';
}

/** Who can open the message only with the sender's passcode, and how the sender gives it. */
function passcodeLines(plan: Plan): string[] {
  const needing = plan.recipients.filter((r) => r.proof === 'passcode').map((r) => r.address);
  if (needing.length === 0) return [];
  return [
    '',
    `  passcode: ${needing.join(', ')} can open it only with a passcode the sender sets and gives them by phone or another channel, never in the email`,
  ];
}

export function formatPlan(plan: Plan, findings: readonly Finding[] = [], truncated = false): string {
  const width = Math.max(...plan.recipients.map((r) => r.address.length), 9);
  const found = findings.map((f) => `  found on line ${f.line}: ${f.label} ${f.masked}`);
  const cut = truncated
    ? ['  the body is too long to check in full: classified as if every detector had found something']
    : [];
  const lines = [`Plan: ${plan.summary}`, `Classification: ${plan.classification}`, ...found, ...cut, ''];
  for (const r of plan.recipients) {
    const fields = r.fields.map(capitalised).join('/');
    lines.push(
      `  ${r.address.padEnd(width)}  ${fields.padEnd(10)} ${PROTECTION_NAMES[r.protection].padEnd(14)} transport ${r.transport}, key ${r.key.verdict}${proofOf(r)}`,
      `  ${' '.repeat(width)}  ${r.reason}`,
    );
  }
  for (const group of plan.groups ?? []) {
    lines.push('', `  message by ${PROTECTION_NAMES[group.protection]}: ${group.addresses.join(', ')}`);
  }
  lines.push(...passcodeLines(plan));
  return `${lines.join('\n')}\n`;
}

const EXIT_FOR_ACTION = { send: 0, tag: 0, pgp: 0, escrow: 0, split: 3, block: 4 } as const;

async function readAssessments(io: CliIo, file: string): Promise<Assessments> {
  const text = await readInput(io, file);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message}`, 1);
  }
  const result = Assessments.safeParse(document);
  if (!result.success) {
    const first = result.error.issues[0]!;
    throw new UsageError(`${file}: ${first.path.join('.') || '(document)'}: ${first.message}`, 1);
  }
  return result.data;
}

/** Each option may be repeated, and each value may hold a comma-separated list as hosts hand over. */
function listOf(values: string[] | undefined): string[] {
  return values ?? [];
}

export async function planCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      to: { type: 'string', multiple: true },
      cc: { type: 'string', multiple: true },
      bcc: { type: 'string', multiple: true },
      classification: { type: 'string' },
      body: { type: 'string' },
      assessments: { type: 'string' },
      policy: { type: 'string' },
      'with-passcode': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.assessments) throw new UsageError(`--assessments FILE is required\n\n${PLAN_HELP}`);
  const recipients = parseRecipients({
    to: listOf(values.to),
    cc: listOf(values.cc),
    bcc: listOf(values.bcc),
  });
  if (recipients.length === 0)
    throw new UsageError(`give at least one recipient with --to, --cc or --bcc\n\n${PLAN_HELP}`);
  const { policy } = await loadPolicy(io, values.policy);
  const assessments = await readAssessments(io, values.assessments);
  const { plan, findings, truncated } = evaluateMessage({
    text: values.body ? await readInput(io, values.body) : '',
    recipients,
    assessments,
    policy,
    passcodeSet: values['with-passcode'],
    ...(values.classification ? { chosen: values.classification } : {}),
  });
  io.out(
    values.json
      ? `${JSON.stringify({ ...plan, findings, truncated }, null, 2)}\n`
      : formatPlan(plan, findings, truncated),
  );
  return EXIT_FOR_ACTION[plan.action];
}
