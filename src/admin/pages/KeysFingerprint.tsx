/** A fingerprint as a person compares one: in groups of four, in monospace, read out group by group. */
import { makeStyles, tokens } from '@fluentui/react-components';
import { formatFingerprint } from '../../core/fingerprint';

const useStyles = makeStyles({ fingerprint: { fontFamily: tokens.fontFamilyMonospace } });

export function KeysFingerprint({ fingerprint }: { fingerprint: string }): JSX.Element {
  const styles = useStyles();
  return <span className={styles.fingerprint}>{formatFingerprint(fingerprint)}</span>;
}

/** What an admin typed or pasted as a fingerprint, in the stored form: spaces dropped, upper case. */
export function typedFingerprint(typed: string): string {
  return typed.replace(/\s+/g, '').toUpperCase();
}
