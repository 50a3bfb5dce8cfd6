/** The Keys page: the organisation keyring, the pinned keys, and changed keys waiting for the admin's decision. */
import { makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import type { PageProps } from '../shell/page';
import { KeysChanged } from './KeysChanged';
import { KeysKeyring } from './KeysKeyring';
import { KeysPins } from './KeysPins';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXL },
});

export default function KeysPage({ api }: PageProps): JSX.Element {
  const styles = useStyles();
  const [pinsRevision, setPinsRevision] = useState(0);
  return (
    <div className={styles.page}>
      <KeysChanged api={api} onDecided={() => setPinsRevision((n) => n + 1)} />
      <KeysKeyring api={api} />
      <KeysPins api={api} revision={pinsRevision} />
    </div>
  );
}
