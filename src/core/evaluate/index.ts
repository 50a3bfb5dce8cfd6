/**
 * The one evaluation of a message: detect → classify → plan. The compose pane, the send checks of both hosts and
 * `sendguard plan` all call this function, so that none of them can reach another verdict for the same message.
 */
import type { Recipient } from '../addresses';
import { classifyMessage, type ClassificationFloor, type ClassificationResult } from '../classify';
import { scan, type DetectOptions, type Finding, type ScanResult } from '../detectors';
import { planMessage, type Plan } from '../plan';
import { higherClassification } from '../policy/match';
import type { Policy } from '../policy/schema';
import type { AssessAnswer, Assessments } from '../wire';

export interface MessageToEvaluate {
  /** The plain-text body the detectors read. */
  text: string;
  recipients: readonly Recipient[];
  assessments: Assessments;
  policy: Policy;
  /** The sender's choice of classification, if they made one. */
  chosen?: string;
  /** The host's sensitivity label, by name. */
  label?: string;
  /** The classification the message's thread sets at least (a reply to a protected message). */
  floor?: ClassificationFloor;
  /** The detectors' scan limit and clock; the defaults everywhere but in tests. */
  scan?: DetectOptions;
  /** The detectors' result for `text`, when the caller already has it (the pane re-plans without re-reading). */
  scanned?: ScanResult;
  /** Entries the mail client listed that are not addresses (as the backend answered): they block the message. */
  invalid?: readonly InvalidInput[];
  /** The sender has set a passcode for this message (see `PlanInput.passcodeSet`). */
  passcodeSet?: boolean;
}

/** An entry the backend answered is not an address, as the wire carries it. */
type InvalidInput = AssessAnswer['invalid'][number];

export interface Evaluation {
  /** What the detectors found in the part of the body they read. */
  findings: Finding[];
  /** The body was longer than the detectors read: the classification was raised as {@link unscannedFloor} says. */
  truncated: boolean;
  classification: ClassificationResult;
  plan: Plan;
  /** The entries that are not addresses; when there are any, the plan is `block` and names them. */
  invalid: readonly InvalidInput[];
}

/**
 * The classification a body too long to scan whole gets at least: the highest any detector can raise a message
 * to. The unread tail may hold anything the detectors look for, so the message is treated as if every detector
 * fired — failing closed — but no higher: detectors alone never reach a classification only a sender or a label
 * can set, and raising past them would stop messages no content could have stopped.
 */
export function unscannedFloor(policy: Policy): string {
  // Object.keys rather than Object.values (ES2017): this runs in classic Outlook's ES2016 send handler too.
  const detectors = policy.detectors as Record<string, string | undefined>;
  return Object.keys(detectors).reduce((highest, detector) => {
    const name = detectors[detector];
    return name ? higherClassification(highest, name, policy) : highest;
  }, policy.classifications[0]!.name);
}

export function evaluateMessage(message: MessageToEvaluate): Evaluation {
  const { policy } = message;
  const { findings, truncated } = message.scanned ?? scan(message.text, message.scan);
  const detected = classifyMessage(
    {
      ...(message.chosen !== undefined ? { chosen: message.chosen } : {}),
      findings,
      ...(message.label !== undefined ? { label: message.label } : {}),
      ...(message.floor !== undefined ? { floor: message.floor } : {}),
    },
    policy,
  );
  const classification = truncated ? raiseForUnscanned(detected, policy) : detected;
  const plan = planMessage({
    recipients: message.recipients,
    assessments: message.assessments,
    classification: classification.classification,
    policy,
    ...(message.passcodeSet !== undefined ? { passcodeSet: message.passcodeSet } : {}),
  });
  const invalid = message.invalid ?? [];
  return {
    findings,
    truncated,
    classification,
    plan: invalid.length > 0 ? blockForInvalid(plan, invalid) : plan,
    invalid,
  };
}

/**
 * A recipient entry that is not an address blocks the message whatever the others could get: the mail client
 * would send to it unchecked or fail half-way. The valid recipients keep their own plans, so the sender still
 * sees what each of them would get once the entry is fixed.
 */
function blockForInvalid(plan: Plan, invalid: readonly InvalidInput[]): Plan {
  const named = invalid.map((entry) => `"${entry.input}" ${entry.reason}`).join('; ');
  const { groups: _groups, ...rest } = plan;
  return {
    ...rest,
    action: 'block',
    summary: `Fix the recipients before sending: ${named}.`,
    blocked: [...(plan.blocked ?? []), ...invalid.map((entry) => entry.input)],
  };
}

/** What decided stays as it was when the floor is no higher; otherwise the floor decides alone. */
function raiseForUnscanned(result: ClassificationResult, policy: Policy): ClassificationResult {
  const floor = unscannedFloor(policy);
  const raised = higherClassification(result.classification, floor, policy);
  return raised === result.classification ? result : { classification: raised, decidedBy: [] };
}
