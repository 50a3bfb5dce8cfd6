/**
 * Pinned keys: the key each address is held to (a later different key is a changed key the admin decides on), and
 * a key pinned outright for an address, as if it had been accepted.
 */
import { Button, Field, Input, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import type { AdminApi } from '../api';
import { FINGERPRINT_HINT, FINGERPRINT_PATTERN, formatFingerprint } from '../../core/fingerprint';
import { failureText } from './failure-text';
import { KeysFingerprint, typedFingerprint } from './KeysFingerprint';
import { ActionForm, LoadedView, OutcomeBar, Section, type Outcome } from './PageParts';
import { RowsTable, type RowsColumn } from './RowsTable';
import { useAction } from './use-action';
import { useLoaded } from './use-loaded';
import { shownTime } from './when';

/** A pin as `GET /admin/pins` and `PUT /admin/pins/:address` answer it (src/server/api/pins.ts). */
export interface Pin {
  address: string;
  fingerprint: string;
  firstSeen: string;
  acceptedBy: string;
}

const COLUMNS: RowsColumn<Pin>[] = [
  { name: 'Address', value: (p) => p.address },
  {
    name: 'Pinned key',
    value: (p) => formatFingerprint(p.fingerprint),
    render: (p) => <KeysFingerprint fingerprint={p.fingerprint} />,
  },
  { name: 'First seen', value: (p) => shownTime(p.firstSeen) },
  { name: 'Accepted by', value: (p) => p.acceptedBy },
];

const useStyles = makeStyles({
  form: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'end', flexWrap: 'wrap' },
  fingerprint: { minWidth: '30rem', fontFamily: tokens.fontFamilyMonospace },
});

function PinForm(props: { api: AdminApi; onPinned: (pin: Pin) => Promise<void> }): JSX.Element {
  const styles = useStyles();
  const [address, setAddress] = useState('');
  const [typed, setTyped] = useState('');
  const fingerprint = typedFingerprint(typed);
  const malformed = typed !== '' && !FINGERPRINT_PATTERN.test(fingerprint);
  const { working, failure, start } = useAction(
    async () => {
      const path = `/admin/pins/${encodeURIComponent(address.trim())}`;
      await props.onPinned(await props.api.send<Pin>('PUT', path, { fingerprint }));
      setAddress('');
      setTyped('');
    },
    (error) => failureText(`pin the key for ${address.trim()}`, error),
  );
  return (
    <ActionForm className={styles.form} onSubmit={start}>
      <Field label="Address">
        <Input type="email" value={address} onChange={(_, data) => setAddress(data.value)} />
      </Field>
      <Field
        label="Fingerprint to pin"
        validationMessage={malformed ? `Expected ${FINGERPRINT_HINT}; spaces are ignored.` : failure}
        validationState={malformed || failure ? 'error' : 'none'}
      >
        <Input className={styles.fingerprint} value={typed} onChange={(_, data) => setTyped(data.value)} />
      </Field>
      <Button
        type="submit"
        appearance="primary"
        disabled={working || malformed || typed === '' || address.trim() === ''}
      >
        {working ? 'Pinning…' : 'Pin key'}
      </Button>
    </ActionForm>
  );
}

/** `revision` changes when a pin changed elsewhere on the page (a changed key accepted): the list is read again. */
export function KeysPins({ api, revision }: { api: AdminApi; revision: number }): JSX.Element {
  const pins = useLoaded(async () => (await api.get<{ pins: Pin[] }>('/admin/pins')).pins, revision);
  const [outcome, setOutcome] = useState<Outcome>();
  const pinned = async (pin: Pin) => {
    setOutcome({ ok: true, text: `${pin.address} is now pinned to ${formatFingerprint(pin.fingerprint)}.` });
    await pins.reload();
  };
  return (
    <Section title="Pinned keys" id="keys-pins">
      <OutcomeBar outcome={outcome} />
      <LoadedView loaded={pins} what="the pinned keys">
        {(list) => (
          <RowsTable
            caption="Pinned keys"
            columns={COLUMNS}
            rows={list}
            rowKey={(p) => p.address}
            fileName="pins.csv"
            empty="No keys are pinned yet."
          />
        )}
      </LoadedView>
      <PinForm api={api} onPinned={pinned} />
    </Section>
  );
}
