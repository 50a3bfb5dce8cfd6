/**
 * A domain's override in the running policy, and setting or removing it (`PUT`/`DELETE /admin/overrides/:domain`):
 * each saves a new policy version with the policy's text edited, which every node then serves.
 */
import { Button, Field, Select, Text, Textarea, makeStyles, tokens } from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import type { DomainOverride } from '../../core/policy/schema';
import { POLICY_LIMITS, POLICY_WORDS } from '../../core/policy/limits';
import { REQUIREMENTS, type Requirement } from '../../core/vocabulary';
import type { AdminApi } from '../api';
import { ConfirmDialog } from './ConfirmDialog';
import { failureText } from './failure-text';
import { OutcomeBar, type Outcome } from './PageParts';
import { useAction } from './use-action';

/** What `trustTransport` may vouch for. */
const TRUSTED = POLICY_WORDS.trustedTransports;
type Trusted = (typeof TRUSTED)[number];

const REQUIREMENT_TEXT: Readonly<Record<Requirement, string>> = {
  none: 'none (plain mail allowed)',
  transport: 'forced TLS',
  'transport-authenticated': 'authenticated TLS',
  'end-to-end': 'end to end (OpenPGP or secure pickup)',
};

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, maxWidth: '36rem' },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
});

/** The override in one sentence. */
function overrideText(override: DomainOverride | undefined): string {
  if (!override) return 'No override: the policy treats this domain by what its checks find.';
  const parts = [
    ...(override.trustTransport ? [`its route counts as ${override.trustTransport}`] : []),
    ...(override.requirement ? [`messages need at least ${REQUIREMENT_TEXT[override.requirement]}`] : []),
  ];
  const what = parts.length ? parts.join('; ') : 'no field set';
  return `Override for ${override.domain}: ${what}.${override.note ? ` Note: “${override.note}”` : ''}`;
}

interface DomainsOverrideProps {
  api: AdminApi;
  domain: string;
  override: DomainOverride | undefined;
  /**
   * Told after a change was saved, with what to say about it: the domain is then read again and this form made
   * anew from the override read, so the sentence is the caller's to keep.
   */
  onChanged: (saved: Outcome) => void;
}

export function DomainsOverride({ api, domain, override, onChanged }: DomainsOverrideProps): JSX.Element {
  const styles = useStyles();
  const [trust, setTrust] = useState<Trusted | ''>(override?.trustTransport ?? '');
  const [requirement, setRequirement] = useState<Requirement | ''>(override?.requirement ?? '');
  const [note, setNote] = useState(override?.note ?? '');
  const [removing, setRemoving] = useState(false);
  const path = `/admin/overrides/${encodeURIComponent(domain)}`;

  const save = useAction(
    async () => {
      const body = {
        note: note.trim(),
        ...(trust ? { trustTransport: trust } : {}),
        ...(requirement ? { requirement } : {}),
      };
      await api.send('PUT', path, body);
      onChanged({ ok: true, text: `Override for ${domain} saved: the new policy is in force.` });
    },
    (error) => failureText(`save the override for ${domain}`, error),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.start();
  };
  const remove = async () => {
    await api.send('DELETE', path);
    onChanged({ ok: true, text: `Override for ${domain} removed: the new policy is in force.` });
  };

  return (
    <form className={styles.form} onSubmit={submit} aria-label={`Override for ${domain}`}>
      <Text as="p">{overrideText(override)}</Text>
      <Field
        label="Count its route as"
        hint="Only where you vouch for the route, e.g. a gateway rule to a partner."
      >
        <Select value={trust} onChange={(_, data) => setTrust(data.value as Trusted | '')}>
          <option value="">what the checks find</option>
          {TRUSTED.map((verdict) => (
            <option key={verdict} value={verdict}>
              {verdict}
            </option>
          ))}
        </Select>
      </Field>
      <Field
        label="Require at least"
        hint="A floor for every message to this domain, whatever its classification."
      >
        <Select value={requirement} onChange={(_, data) => setRequirement(data.value as Requirement | '')}>
          <option value="">what the classification requires</option>
          {REQUIREMENTS.map((word) => (
            <option key={word} value={word}>
              {REQUIREMENT_TEXT[word]}
            </option>
          ))}
        </Select>
      </Field>
      <Field
        label="Note"
        hint="Why: senders read it as the reason, and it is kept with the policy version."
        required
      >
        <Textarea
          value={note}
          onChange={(_, data) => setNote(data.value)}
          maxLength={POLICY_LIMITS.noteMax}
        />
      </Field>
      <div className={styles.buttons}>
        <Button appearance="primary" type="submit" disabled={save.working || note.trim() === ''}>
          {save.working ? 'Saving…' : override ? 'Save override' : 'Set override'}
        </Button>
        {override ? <Button onClick={() => setRemoving(true)}>Remove override</Button> : null}
      </div>
      <OutcomeBar outcome={save.failure ? { ok: false, text: save.failure } : undefined} />
      {removing ? (
        <ConfirmDialog
          title={`Remove the override for ${domain}?`}
          confirm="Remove override"
          doing={`remove the override for ${domain}`}
          onConfirm={remove}
          onClose={() => setRemoving(false)}
        >
          Messages to {domain} are then protected by what its checks find and what their classification
          requires. The change is saved as a new policy version.
        </ConfirmDialog>
      ) : null}
    </form>
  );
}
