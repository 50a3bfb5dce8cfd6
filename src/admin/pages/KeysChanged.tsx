/**
 * Changed keys waiting for a decision: a lookup found a key for an address other than the one pinned. The admin
 * sees the evidence — both fingerprints in groups of four, where the new key was found, when, and what the service
 * noticed — and accepts the new key (it becomes the pin) or refuses it (the old pin stays). Either way the dialog
 * shows the fingerprints again beside the button that decides.
 */
import { Button, Text, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import type { AdminApi } from '../api';
import { formatFingerprint } from '../../core/fingerprint';
import { KEY_SOURCE_NAMES, type KeySource } from '../../core/vocabulary';
import { ConfirmDialog } from './ConfirmDialog';
import { KeysFingerprint } from './KeysFingerprint';
import { LoadedView, OutcomeBar, Section, type Outcome } from './PageParts';
import { RowsTable, type RowsColumn } from './RowsTable';
import { useLoaded } from './use-loaded';
import { shownTime } from './when';

/** One entry of `GET /admin/keys/changed` (the contract). */
export interface ChangedKey {
  address: string;
  pinnedFingerprint: string;
  fingerprint: string;
  source?: KeySource;
  seenAt: string;
  reasons: string[];
}

type Decision = { key: ChangedKey; accept: boolean };

const foundWhere = (key: ChangedKey) => (key.source ? KEY_SOURCE_NAMES[key.source] : 'source not recorded');

const COLUMNS: RowsColumn<ChangedKey>[] = [
  { name: 'Address', value: (k) => k.address },
  {
    name: 'Pinned key',
    value: (k) => formatFingerprint(k.pinnedFingerprint),
    render: (k) => <KeysFingerprint fingerprint={k.pinnedFingerprint} />,
  },
  {
    name: 'New key',
    value: (k) => formatFingerprint(k.fingerprint),
    render: (k) => <KeysFingerprint fingerprint={k.fingerprint} />,
  },
  { name: 'Found', value: foundWhere },
  { name: 'Seen', value: (k) => shownTime(k.seenAt) },
  { name: 'Reasons', value: (k) => k.reasons.join(' ') },
];

const useStyles = makeStyles({
  evidence: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
});

function DecisionText({ decision: { key, accept } }: { decision: Decision }): JSX.Element {
  const styles = useStyles();
  return (
    <div className={styles.evidence}>
      <Text block>
        Pinned key: <KeysFingerprint fingerprint={key.pinnedFingerprint} />
      </Text>
      <Text block>
        New key, {foundWhere(key)}, seen {shownTime(key.seenAt)}:{' '}
        <KeysFingerprint fingerprint={key.fingerprint} />
      </Text>
      {key.reasons.map((reason, i) => (
        <Text block key={i}>
          {reason}
        </Text>
      ))}
      <Text block>
        {accept
          ? `Accepting pins the new key: mail to ${key.address} is encrypted to it from now on. Accept only if ${key.address} confirmed its fingerprint by phone or in person.`
          : `Refusing keeps ${key.address} pinned to the old key and takes this entry off the list. It does not block the new key: it stays marked as changed for every sender, who is warned when writing to ${key.address} and can still accept it in the compose pane.`}
      </Text>
    </div>
  );
}

/** `onDecided` is told after each decision (an accepted key changes the pins). */
export function KeysChanged({ api, onDecided }: { api: AdminApi; onDecided: () => void }): JSX.Element {
  const changed = useLoaded(async () => (await api.get<{ keys: ChangedKey[] }>('/admin/keys/changed')).keys);
  const [deciding, setDeciding] = useState<Decision>();
  const [outcome, setOutcome] = useState<Outcome>();
  const decide = async ({ key, accept }: Decision) => {
    const path = `/admin/keys/${encodeURIComponent(key.address)}/${accept ? 'accept' : 'refuse'}`;
    await api.send('POST', path, { fingerprint: key.fingerprint });
    setOutcome({
      ok: true,
      text: accept
        ? `${key.address} is now pinned to ${formatFingerprint(key.fingerprint)}.`
        : `The new key for ${key.address} was refused; ${formatFingerprint(key.pinnedFingerprint)} stays pinned.`,
    });
    onDecided();
    await changed.reload();
  };
  return (
    <Section title="Changed keys waiting for a decision" id="keys-changed">
      <Text block>
        Each key below differs from the one pinned for its address: accept it to pin the new key, or refuse it
        to keep the old one. Compare the new fingerprint with the recipient before accepting.
      </Text>
      <OutcomeBar outcome={outcome} />
      <LoadedView loaded={changed} what="the changed keys">
        {(keys) => (
          <RowsTable
            caption="Changed keys waiting for a decision"
            columns={COLUMNS}
            rows={keys}
            rowKey={(k) => `${k.address} ${k.fingerprint}`}
            fileName="changed-keys.csv"
            empty="No changed keys are waiting for a decision."
            actions={(key) => (
              <>
                <Button
                  onClick={() => setDeciding({ key, accept: true })}
                  aria-label={`Accept new key for ${key.address}`}
                >
                  Accept
                </Button>
                <Button
                  onClick={() => setDeciding({ key, accept: false })}
                  aria-label={`Refuse new key for ${key.address}`}
                >
                  Refuse
                </Button>
              </>
            )}
          />
        )}
      </LoadedView>
      {deciding ? (
        <ConfirmDialog
          title={`${deciding.accept ? 'Accept' : 'Refuse'} the new key for ${deciding.key.address}?`}
          confirm={deciding.accept ? 'Accept new key' : 'Refuse new key'}
          doing={`${deciding.accept ? 'accept' : 'refuse'} the new key for ${deciding.key.address}`}
          onConfirm={() => decide(deciding)}
          onClose={() => setDeciding(undefined)}
        >
          <DecisionText decision={deciding} />
        </ConfirmDialog>
      ) : null}
    </Section>
  );
}
