/**
 * Issuing a token: name, role and (for a sender) whom it acts for. The service answers the secret once; it is
 * shown here once, with a copy button and the warning that it cannot be shown again, until the admin dismisses it.
 */
import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { CopyRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import type { AdminApi } from '../api';
import { failureText } from './failure-text';
import { ActionForm, OutcomeBar, Section, type Outcome } from './PageParts';
import type { TokenInfo } from './TokensPage';
import { useAction } from './use-action';

type Issued = TokenInfo & { token: string };

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, maxWidth: '36rem' },
  secret: { fontFamily: tokens.fontFamilyMonospace, width: '100%' },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'end' },
});

function IssuedSecret({ issued, onDone }: { issued: Issued; onDone: () => void }): JSX.Element {
  const styles = useStyles();
  const [copied, setCopied] = useState<Outcome>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(issued.token);
      setCopied({ ok: true, text: 'Copied to the clipboard.' });
    } catch (error) {
      setCopied({ ok: false, text: failureText('copy the token: select it and copy it by hand', error) });
    }
  };
  return (
    <MessageBar intent="warning" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>Copy the token “{issued.name}” now</MessageBarTitle>
        It is shown only this once: the service keeps only a hash of it. Give it to whoever will use it over a
        safe channel.
        <div className={styles.row}>
          <Field label="The new token" className={styles.secret}>
            <Input
              readOnly
              value={issued.token}
              className={styles.secret}
              onFocus={(event) => event.target.select()}
            />
          </Field>
          <Button icon={<CopyRegular />} onClick={() => void copy()}>
            Copy
          </Button>
          <Button onClick={onDone}>Done</Button>
        </div>
        <OutcomeBar outcome={copied} />
      </MessageBarBody>
    </MessageBar>
  );
}

export function TokensIssue({ api, onIssued }: { api: AdminApi; onIssued: () => void }): JSX.Element {
  const styles = useStyles();
  const [name, setName] = useState('');
  const [role, setRole] = useState<'sender' | 'admin'>('sender');
  const [owner, setOwner] = useState('');
  const [issued, setIssued] = useState<Issued>();
  const { working, failure, start } = useAction(
    async () => {
      const body = { name: name.trim(), role, ...(owner.trim() ? { owner: owner.trim() } : {}) };
      setIssued(await api.send<Issued>('POST', '/admin/tokens', body));
      setName('');
      setOwner('');
      onIssued();
    },
    (error) => failureText('issue the token', error),
  );
  return (
    <Section title="Issue a token" id="tokens-issue">
      {issued ? <IssuedSecret issued={issued} onDone={() => setIssued(undefined)} /> : null}
      <ActionForm className={styles.form} onSubmit={start}>
        <Field label="Name" hint="What the token is for, e.g. “Outlook rollout, finance”." required>
          <Input value={name} onChange={(_, data) => setName(data.value)} maxLength={100} />
        </Field>
        <Field label="Role">
          <RadioGroup
            layout="horizontal"
            value={role}
            onChange={(_, data) => setRole(data.value as 'sender' | 'admin')}
          >
            <Radio value="sender" label="Sender: checks and sends mail" />
            <Radio value="admin" label="Admin: this console and the admin API" />
          </RadioGroup>
        </Field>
        <Field
          label="Acts for"
          hint="The person secure pickup names as the sender, e.g. Ana Example <ana@example.org>."
        >
          <Input value={owner} onChange={(_, data) => setOwner(data.value)} maxLength={400} />
        </Field>
        <div>
          <Button appearance="primary" type="submit" disabled={working || name.trim() === ''}>
            {working ? 'Issuing…' : 'Issue token'}
          </Button>
        </div>
        <OutcomeBar outcome={failure ? { ok: false, text: failure } : undefined} />
      </ActionForm>
    </Section>
  );
}
