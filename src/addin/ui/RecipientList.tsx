/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/**
 * The recipients as planned, each beside what the service found about it, and below them, once, how their replies
 * come back to the sender.
 */
import { Caption1, makeStyles, Subtitle2, tokens } from '@fluentui/react-components';
import { mailboxKey } from '../../core/addresses';
import type { Plan } from '../../core/plan';
import type { AssessAnswer } from '../backend';
import { replyPathLine } from '../route-lines';
import type { AcceptKey } from './KeyChange';
import { RecipientRow } from './RecipientRow';

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  replies: { display: 'block', marginTop: tokens.spacingVerticalS },
});

export interface RecipientListProps {
  plan: Plan;
  answer: AssessAnswer;
  /** A newer answer is on its way. */
  refreshing: boolean;
  onAcceptKey: AcceptKey;
  /** The list a recipient came through, for members of a list the sender addressed. */
  viaList?: (address: string) => string | undefined;
}

export function RecipientList({ plan, answer, refreshing, onAcceptKey, viaList }: RecipientListProps) {
  const styles = useStyles();
  const assessedByAddress = new Map(answer.recipients.map((r) => [mailboxKey(r.address), r]));
  return (
    <section aria-label="Recipients">
      <Subtitle2 as="h2">Recipients</Subtitle2>
      <ul className={styles.list} aria-busy={refreshing}>
        {plan.recipients.map((r) => (
          <RecipientRow
            key={r.address}
            recipient={r}
            via={viaList?.(r.address)}
            assessed={assessedByAddress.get(mailboxKey(r.address))}
            onAcceptKey={onAcceptKey}
          />
        ))}
      </ul>
      {answer.replyPath ? (
        <Caption1 as="p" className={styles.replies} data-reply-path={answer.replyPath.verdict}>
          {replyPathLine(answer.replyPath, { securePickup: plan.action === 'escrow' })}
        </Caption1>
      ) : null}
    </section>
  );
}
