/**
 * A secure message's expiry moved to another day: a date input, the time of day kept (the service counts the
 * longest stay from the moment of sending, so a whole-day move is what an admin means). The service's refusal —
 * a day past the longest stay, or in the past — is shown beside the field in its own words.
 */
import { Button, Field, Input, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { expiryOn } from '../../core/expiry-day';
import type { MessagePartProps } from './messages-wire';
import { AdminApiError } from '../api';
import { failureText } from './failure-text';
import { ActionForm } from './PageParts';
import { useAction } from './use-action';
import { shownTime } from './when';

const useStyles = makeStyles({
  form: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'end', flexWrap: 'wrap' },
});

export function MessagesExpiry(props: MessagePartProps): JSX.Element {
  const { api, message, onChanged } = props;
  const styles = useStyles();
  const [day, setDay] = useState(message.expiresAt.slice(0, 10));
  // Undefined while the field holds no calendar date: nothing to send then.
  const expiresAt = expiryOn(day, message.expiresAt)?.toISOString();
  const {
    working,
    failure: refusal,
    start,
  } = useAction(
    async () => {
      if (expiresAt === undefined) return;
      await api.send('POST', `/admin/messages/${encodeURIComponent(message.id)}/expiry`, { expiresAt });
      await onChanged(`Message ${message.id} now expires ${shownTime(expiresAt)}.`);
    },
    // The service's refusal says what it accepts; say it as it is, not as a failure to reach it.
    (error) =>
      error instanceof AdminApiError && error.status === 400
        ? `The service refused ${shownTime(expiresAt ?? day)}: ${error.message}`
        : failureText('change the expiry', error),
  );
  return (
    <ActionForm className={styles.form} onSubmit={start}>
      <Field
        label={`Expires on (UTC; the time of day stays ${message.expiresAt.slice(11, 16)})`}
        validationMessage={refusal}
        validationState={refusal ? 'error' : 'none'}
      >
        <Input type="date" value={day} onChange={(_, data) => setDay(data.value)} required />
      </Field>
      <Button type="submit" disabled={working || expiresAt === undefined}>
        {working ? 'Changing the expiry…' : 'Change expiry'}
      </Button>
    </ActionForm>
  );
}
