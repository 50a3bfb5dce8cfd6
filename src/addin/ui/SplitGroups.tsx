/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/**
 * The messages a split makes, before anything happens: this one keeps the first group, each other group gets a
 * new message; each with its protection and its recipients in the fields they are in.
 */
import { makeStyles, Text, tokens } from '@fluentui/react-components';
import { mailboxKey } from '../../core/addresses';
import type { Plan, PlanGroup } from '../../core/plan';
import { RECIPIENT_FIELDS, type RecipientField } from '../../core/recipient-fields';
import { protectionTitle } from '../../core/vocabulary';

const useStyles = makeStyles({
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  item: { display: 'flex', flexDirection: 'column' },
});

const FIELD_NAMES: Record<RecipientField, string> = { to: 'To', cc: 'Cc', bcc: 'Bcc' };

/** "To: a@x.example, b@y.example · Cc: c@z.example": the group's recipients by the fields the message holds them in. */
function byField(group: PlanGroup, plan: Pick<Plan, 'recipients'>): string {
  const fieldsOf = new Map(plan.recipients.map((r) => [mailboxKey(r.address), r.fields]));
  return RECIPIENT_FIELDS.flatMap((field) => {
    const inField = group.addresses.filter((a) => (fieldsOf.get(mailboxKey(a)) ?? ['to']).includes(field));
    return inField.length > 0 ? [`${FIELD_NAMES[field]}: ${inField.join(', ')}`] : [];
  }).join(' · ');
}

export interface SplitGroupsProps {
  plan: Pick<Plan, 'groups' | 'recipients'>;
  /** A word about what the new messages may open without, which does not stop the split. */
  note?: string;
}

export function SplitGroups({ plan, note }: SplitGroupsProps) {
  const styles = useStyles();
  return (
    <section aria-label="The messages after the split">
      <ol className={styles.list}>
        {(plan.groups ?? []).map((group, index) => {
          const which = index === 0 ? 'This message' : `New message ${index}`;
          const how = protectionTitle(group.protection);
          const who = byField(group, plan);
          return (
            <li key={group.protection} className={styles.item} aria-label={`${which}, ${how}: ${who}`}>
              <Text weight="semibold">
                {which} · {how}
              </Text>
              <Text>{who}</Text>
            </li>
          );
        })}
      </ol>
      {note !== undefined ? <Text role="note">{note}</Text> : null}
    </section>
  );
}
