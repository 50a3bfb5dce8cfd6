/**
 * The organisation keyring: the keys it vouches for, an armored key added (pasted or read from a file), a key
 * removed after the admin confirms what that means for the addresses it names.
 */
import { Button, Field, Label, Textarea, makeStyles, tokens, useId } from '@fluentui/react-components';
import { useState, type ChangeEvent } from 'react';
import type { AdminApi } from '../api';
import { formatFingerprint } from '../../core/fingerprint';
import { ConfirmDialog } from './ConfirmDialog';
import { failureText } from './failure-text';
import { KeysFingerprint } from './KeysFingerprint';
import { LoadedView, OutcomeBar, Section, type Outcome } from './PageParts';
import { RowsTable, type RowsColumn } from './RowsTable';
import { useAction } from './use-action';
import { useLoaded } from './use-loaded';
import { shownTime } from './when';

/** `GET /admin/keyring`'s entries (src/server/api/keyring.ts). */
export interface KeyringEntry {
  fingerprint: string;
  addresses: string[];
  addedAt: string;
  addedBy: string;
}

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, maxWidth: '48rem' },
  armor: { fontFamily: tokens.fontFamilyMonospace },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
});

const COLUMNS: RowsColumn<KeyringEntry>[] = [
  {
    name: 'Fingerprint',
    value: (e) => formatFingerprint(e.fingerprint),
    render: (e) => <KeysFingerprint fingerprint={e.fingerprint} />,
  },
  { name: 'Addresses', value: (e) => e.addresses.join(' ') },
  { name: 'Added', value: (e) => shownTime(e.addedAt) },
  { name: 'Added by', value: (e) => e.addedBy },
];

function KeyringUpload(props: { api: AdminApi; onAdded: (entry: KeyringEntry) => void }): JSX.Element {
  const styles = useStyles();
  const fileId = useId('key-file');
  const [armor, setArmor] = useState('');
  const readFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) setArmor(await file.text());
  };
  const { working, failure, start } = useAction(
    async () => {
      const body = { armoredKey: armor.trim() };
      const entry = await props.api.send<KeyringEntry>('POST', '/admin/keyring', body);
      setArmor('');
      props.onAdded(entry);
    },
    (error) => failureText('add the key', error),
  );
  return (
    <div className={styles.form}>
      <Field
        label="Armored public key to add"
        hint="Paste the key (-----BEGIN PGP PUBLIC KEY BLOCK----- …) or choose its file."
        validationMessage={failure}
        validationState={failure ? 'error' : 'none'}
      >
        <Textarea
          className={styles.armor}
          value={armor}
          onChange={(_, data) => setArmor(data.value)}
          rows={6}
          resize="vertical"
        />
      </Field>
      <div className={styles.buttons}>
        {/* A native file input: Field labels only Fluent's own inputs, so this one is labelled by id. */}
        <Label htmlFor={fileId}>Or read the key from a file</Label>
        <input
          id={fileId}
          type="file"
          accept=".asc,.pgp,.gpg,.txt,text/plain"
          onChange={(e) => void readFile(e)}
        />
        <Button appearance="primary" disabled={working || armor.trim() === ''} onClick={() => void start()}>
          {working ? 'Adding the key…' : 'Add to keyring'}
        </Button>
      </div>
    </div>
  );
}

export function KeysKeyring({ api }: { api: AdminApi }): JSX.Element {
  const keyring = useLoaded(() => api.get<KeyringEntry[]>('/admin/keyring'));
  const [removing, setRemoving] = useState<KeyringEntry>();
  const [outcome, setOutcome] = useState<Outcome>();
  const added = (entry: KeyringEntry) => {
    const names = entry.addresses.length ? entry.addresses.join(', ') : 'no address';
    setOutcome({ ok: true, text: `Key ${formatFingerprint(entry.fingerprint)} added, for ${names}.` });
    void keyring.reload();
  };
  const remove = async (entry: KeyringEntry) => {
    await api.send('DELETE', `/admin/keyring/${encodeURIComponent(entry.fingerprint)}`);
    setOutcome({ ok: true, text: `Key ${formatFingerprint(entry.fingerprint)} removed from the keyring.` });
    await keyring.reload();
  };
  return (
    <Section title="Organisation keyring" id="keys-keyring">
      <OutcomeBar outcome={outcome} />
      <LoadedView loaded={keyring} what="the keyring">
        {(entries) => (
          <RowsTable
            caption="Organisation keyring"
            columns={COLUMNS}
            rows={entries}
            rowKey={(e) => e.fingerprint}
            fileName="keyring.csv"
            empty="The organisation keyring holds no keys yet."
            actions={(e) => (
              <Button
                onClick={() => setRemoving(e)}
                aria-label={`Remove key ${formatFingerprint(e.fingerprint)}`}
              >
                Remove
              </Button>
            )}
          />
        )}
      </LoadedView>
      <KeyringUpload api={api} onAdded={added} />
      {removing ? (
        <ConfirmDialog
          title="Remove this key from the keyring?"
          confirm="Remove key"
          doing="remove the key"
          onConfirm={() => remove(removing)}
          onClose={() => setRemoving(undefined)}
        >
          <p>
            Key <KeysFingerprint fingerprint={removing.fingerprint} /> will no longer be vouched for by the
            organisation.
            {removing.addresses.length
              ? ` Mail to ${removing.addresses.join(', ')} will use a key found elsewhere, or another protection if none is found.`
              : ''}
          </p>
        </ConfirmDialog>
      ) : null}
    </Section>
  );
}
