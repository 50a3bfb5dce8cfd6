/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/** One recipient: who, which field, the protection badge, and an expandable "why" with the evidence. */
import { Badge, Button, Caption1, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useId, useState } from 'react';
import { proofName, type RecipientPlan } from '../../core/plan';
import type { AssessedRecipient } from '../backend';
import { formatFingerprint } from '../../core/fingerprint';
import { KEY_SOURCE_NAMES } from '../../core/vocabulary';
import { mailboxAccessLine } from '../route-lines';
import { badgeFor } from './badge-text';
import { KeyChange, type AcceptKey } from './KeyChange';

const useStyles = makeStyles({
  row: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
    padding: `${tokens.spacingVerticalS} 0`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  head: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  who: { flexGrow: 1, minWidth: 0, overflowWrap: 'anywhere' },
  why: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalL,
    display: 'flex',
    flexDirection: 'column',
    gap: '2px',
  },
});

export interface RecipientRowProps {
  recipient: RecipientPlan;
  assessed?: AssessedRecipient;
  onAcceptKey: AcceptKey;
  /** The list the sender addressed that this recipient is on, when they did not address them directly. */
  via?: string | undefined;
}

/**
 * The evidence lines: transport verdict and its reasons, how the domain's users reach their mail, the key and where
 * it came from, what was ruled out.
 */
function evidence(recipient: RecipientPlan, assessed: AssessedRecipient | undefined): string[] {
  const lines = [recipient.reason];
  if (!recipient.internal) {
    lines.push(`Mail servers of ${recipient.domain}: ${recipient.transport}.`);
    for (const reason of assessed?.transport?.reasons ?? []) lines.push(`– ${reason}`);
    const access = assessed?.transport?.mailboxAccess;
    if (access) lines.push(mailboxAccessLine(recipient.domain, access));
  }
  const key = assessed?.key;
  if (recipient.key.verdict === 'valid' && recipient.key.fingerprint) {
    const source = recipient.key.source ? `, ${KEY_SOURCE_NAMES[recipient.key.source]}` : '';
    const expires = key?.expires ? `, expires ${key.expires.slice(0, 10)}` : '';
    lines.push(`OpenPGP key ${formatFingerprint(recipient.key.fingerprint)}${source}${expires}.`);
  } else {
    lines.push(`OpenPGP key: ${recipient.key.verdict}${key?.reasons[0] ? ` (${key.reasons[0]})` : ''}.`);
  }
  // One cause (a domain that accepts no mail) can rule out every protection: say it once, and not again if the
  // reason already does.
  for (const refusal of new Set(Object.values(recipient.refused))) {
    if (refusal && !recipient.reason.includes(refusal)) lines.push(`Not possible: ${refusal}.`);
  }
  return lines;
}

export function RecipientRow({ recipient, assessed, onAcceptKey, via }: RecipientRowProps) {
  const styles = useStyles();
  const [open, setOpen] = useState(false);
  const whyId = useId();
  const whoId = useId();
  const badge = badgeFor(recipient);
  const name = recipient.displayName ? `${recipient.displayName} <${recipient.address}>` : recipient.address;
  // The proof beside the protection: what the recipient will be asked for.
  const proof = recipient.proof ? proofName(recipient.proof, recipient.signIn) : undefined;
  return (
    <li
      className={styles.row}
      aria-label={`${name}${via ? ` (via ${via})` : ''}: ${badge.label}${proof ? `, ${proof}` : ''}`}
    >
      <div className={styles.head}>
        <Text id={whoId} className={styles.who}>
          {name}
        </Text>
        <Caption1>{recipient.fields.map((f) => f.toUpperCase()).join(', ')}</Caption1>
        {via ? <Caption1 data-via={via}>via {via}</Caption1> : null}
        <Badge appearance="tint" color={badge.tone} data-protection={recipient.protection}>
          {badge.label}
        </Badge>
        {proof ? <Caption1 data-proof={recipient.proof}>{proof}</Caption1> : null}
      </div>
      <div className={styles.head}>
        <Button
          appearance="transparent"
          size="small"
          aria-expanded={open}
          aria-controls={whyId}
          // Each row has its "Why?": the recipient it explains, for one who moves from button to button.
          aria-describedby={whoId}
          onClick={() => setOpen(!open)}
        >
          {open ? 'Hide why' : 'Why?'}
        </Button>
        {assessed ? <KeyChange assessed={assessed} onAccept={onAcceptKey} /> : null}
      </div>
      {open ? (
        <ul id={whyId} className={styles.why}>
          {evidence(recipient, assessed).map((line, i) => (
            <li key={i} style={{ listStyle: 'none' }}>
              <Caption1>{line}</Caption1>
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}
