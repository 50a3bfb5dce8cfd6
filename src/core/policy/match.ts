/** Questions the plan asks of a policy about one domain or one classification. */
import { SendguardError } from '../errors';
import { strongerRequirement, type Requirement } from '../vocabulary';
import type { ClassificationPolicy, DomainOverride, Policy } from './schema';

function matchesPattern(domain: string, pattern: string): boolean {
  return pattern.startsWith('*.') ? domain.endsWith(pattern.slice(1)) : domain === pattern;
}

/** How specific a pattern is: an exact name beats any wildcard, and a longer wildcard beats a shorter one. */
function specificity(pattern: string): number {
  return pattern.startsWith('*.') ? pattern.length : Number.MAX_SAFE_INTEGER;
}

export function isInternal(domain: string, policy: Policy): boolean {
  return policy.internalDomains.some((pattern) => matchesPattern(domain, pattern));
}

/** Some classification needs recipients' mailbox access to decide a plan (`mailboxAccess: tls-only`). */
export function asksMailboxAccess(policy: Policy): boolean {
  return policy.classifications.some((classification) => classification.mailboxAccess !== undefined);
}

/** The most specific override naming this domain, if any. */
export function overrideFor(domain: string, policy: Policy): DomainOverride | undefined {
  let best: DomainOverride | undefined;
  for (const override of policy.domains) {
    if (!matchesPattern(domain, override.domain)) continue;
    if (!best || specificity(override.domain) > specificity(best.domain)) best = override;
  }
  return best;
}

export class UnknownClassificationError extends SendguardError {
  constructor(
    readonly classification: string,
    known: readonly string[],
  ) {
    super(
      'CLASSIFICATION_UNKNOWN',
      `"${classification}" is not a classification of this policy (${known.join(', ')})`,
    );
  }
}

export function classificationOf(name: string, policy: Policy): ClassificationPolicy {
  const found = policy.classifications.find((c) => c.name === name);
  if (!found)
    throw new UnknownClassificationError(
      name,
      policy.classifications.map((c) => c.name),
    );
  return found;
}

/** The requirement for one recipient domain: the classification's, raised by a domain override's floor. */
export function requirementFor(
  classification: ClassificationPolicy,
  domain: string,
  policy: Policy,
): Requirement {
  const floor = overrideFor(domain, policy)?.requirement;
  return floor ? strongerRequirement(classification.requirement, floor) : classification.requirement;
}

/** The higher of two classifications in the policy's order (weakest first). */
export function higherClassification(a: string, b: string, policy: Policy): string {
  const rank = (name: string) => policy.classifications.findIndex((c) => c.name === name);
  return rank(b) > rank(a) ? b : a;
}
