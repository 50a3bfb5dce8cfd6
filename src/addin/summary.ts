/** The one-line recipient summary of the compose info bar: "3 recipients: 2 forced TLS, 1 secure pickup". */
import { plural } from '../core/english';
import type { Plan } from '../core/plan';
import { APPLICABLE_PROTECTIONS, PROTECTION_NAMES, PROTECTIONS, type Protection } from '../core/vocabulary';

/** What the add-in does to the message comes first, then the rest in the vocabulary's order. */
const ORDER: readonly Protection[] = [
  ...APPLICABLE_PROTECTIONS,
  ...PROTECTIONS.filter((p) => !(APPLICABLE_PROTECTIONS as readonly Protection[]).includes(p)),
];

/** Outlook's notification messages hold at most 150 characters. */
const MAX = 150;

export function recipientSummary(plan: Pick<Plan, 'recipients'>): string {
  const total = plan.recipients.length;
  if (total === 0) return 'No recipients yet.';
  const parts = ORDER.flatMap((protection) => {
    const n = plan.recipients.filter((r) => r.protection === protection).length;
    return n > 0 ? [`${n} ${PROTECTION_NAMES[protection]}`] : [];
  });
  const text = `${plural(total, 'recipient')}: ${parts.join(', ')}`;
  return text.length <= MAX ? text : `${text.slice(0, MAX - 1)}…`;
}
