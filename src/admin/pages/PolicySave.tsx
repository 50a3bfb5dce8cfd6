/**
 * Saving the edited policy with a note: the save names the version it was edited from, so that when someone else
 * saved meanwhile the service refuses (409) and nothing of theirs is overwritten; the admin is told so and offered
 * the running policy to start again from. A refusal of the text itself points at the problems the editor lists.
 */
import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarActions,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { AdminApiError, type AdminApi } from '../api';
import { failureText } from './failure-text';
import { ActionForm, Section } from './PageParts';
import { useAction } from './use-action';
import type { PolicyPreview, PolicySaved } from './policy-wire';
import { previewSummary } from './PolicyPreview';

const useStyles = makeStyles({
  form: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'end', flexWrap: 'wrap' },
  note: { minWidth: '28rem' },
});

type Refusal = { kind: 'changed' } | { kind: 'failed'; text: string };

function refusalOf(error: unknown): Refusal {
  if (error instanceof AdminApiError && error.status === 409) return { kind: 'changed' };
  if (error instanceof AdminApiError && error.status === 400)
    return {
      kind: 'failed',
      text: `The service refused the policy: ${error.message} See the problems listed under the editor.`,
    };
  return { kind: 'failed', text: failureText('save the policy', error) };
}

export function PolicySave(props: {
  api: AdminApi;
  text: string;
  /** The running policy's revision the text was edited from. */
  baseRevision: number;
  /** Why saving is not offered now (no change, problems in the text, no preview of it); undefined when it is. */
  notNow: string | undefined;
  /** The preview of exactly this text, said beside Save: what saving it would change. */
  preview: PolicyPreview | undefined;
  onSaved: (saved: PolicySaved) => Promise<void>;
  /** Reads the running policy again, replacing the edited text. */
  onReload: () => Promise<void>;
}): JSX.Element {
  const { api, text, baseRevision, notNow, preview, onSaved, onReload } = props;
  const styles = useStyles();
  const [note, setNote] = useState('');
  const {
    working,
    failure: refusal,
    start,
  } = useAction(async () => {
    const body = { text, baseRevision, ...(note.trim() ? { note: note.trim() } : {}) };
    await onSaved(await api.send<PolicySaved>('PUT', '/admin/policy', body));
  }, refusalOf);
  return (
    <Section title="Save" id="policy-save">
      <ActionForm className={styles.form} onSubmit={start}>
        <Field label="Note for the history" hint="Why this change: the next admin reads it.">
          <Input className={styles.note} value={note} onChange={(_, data) => setNote(data.value)} />
        </Field>
        <Button type="submit" appearance="primary" disabled={working || notNow !== undefined}>
          {working ? 'Saving…' : 'Save policy'}
        </Button>
      </ActionForm>
      {notNow ? <p>{notNow}</p> : null}
      {preview && !notNow ? <p>What saving changes: {previewSummary(preview)}</p> : null}
      {refusal?.kind === 'changed' ? (
        <MessageBar intent="warning" role="alert">
          <MessageBarBody>
            Someone else saved the policy after revision {baseRevision}, which you edited, so your text was
            not saved. It is still in the editor: copy it if you need it, then reload the running policy and
            make your change again on top of theirs.
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => void onReload()}>Reload the running policy</Button>
          </MessageBarActions>
        </MessageBar>
      ) : null}
      {refusal?.kind === 'failed' ? (
        <MessageBar intent="error" role="alert">
          <MessageBarBody>{refusal.text}</MessageBarBody>
        </MessageBar>
      ) : null}
    </Section>
  );
}
