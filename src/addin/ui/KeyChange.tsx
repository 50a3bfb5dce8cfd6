/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/**
 * A recipient whose OpenPGP key differs from the one used before. The sender decides (the vocabulary in
 * docs/architecture.md: a changed key "the sender must confirm"): the dialog shows both fingerprints in groups of
 * four, where the new key came from and what the service found, and asks the sender to compare the new fingerprint
 * with the recipient by phone or in person. Confirming asks the service to accept the key, which it does only if it
 * still finds exactly that key; the recipients are then checked again.
 */
import {
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Text,
  tokens,
  useRestoreFocusTarget,
} from '@fluentui/react-components';
import { useState } from 'react';
import { messageOf } from '../../core/errors';
import { formatFingerprint } from '../../core/fingerprint';
import { KEY_SOURCE_NAMES, PROTECTION_NAMES } from '../../core/vocabulary';
import { BackendError, type AssessedRecipient } from '../backend';
import { recordFailure } from '../failure-log';

/** The sender accepts `fingerprint` for `address`; rejects with what went wrong. */
export type AcceptKey = (address: string, fingerprint: string) => Promise<void>;

export interface KeyChangeProps {
  assessed: AssessedRecipient;
  onAccept: AcceptKey;
}

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  fingerprint: { fontFamily: tokens.fontFamilyMonospace, display: 'block' },
});

type Accepting = { kind: 'idle' } | { kind: 'working' } | { kind: 'failed'; text: string };

/** What the sender reads when the key could not be accepted, and what to do next. */
function acceptFailure(address: string, error: unknown): string {
  if (error instanceof BackendError && error.code === 'KEY_CHANGED_AGAIN') {
    return `The key of ${address} changed again after it was shown here, so nothing was accepted. The recipients are being checked again: open this again and compare the key found now with ${address}.`;
  }
  return `The new key of ${address} could not be accepted: ${messageOf(error)} Nothing was changed; try again.`;
}

/** Both fingerprints in groups of four, where the new key was found, what the service found, and how to check. */
function KeyEvidence({ assessed: { address, key } }: { assessed: AssessedRecipient }) {
  const styles = useStyles();
  return (
    <>
      <Text block>
        Key used before:{' '}
        <span className={styles.fingerprint} data-testid="fingerprint-before">
          {key.pinnedFingerprint ? formatFingerprint(key.pinnedFingerprint) : 'unknown'}
        </span>
      </Text>
      <Text block>
        Key found now{key.source ? `, ${KEY_SOURCE_NAMES[key.source]}` : ''}:{' '}
        <span className={styles.fingerprint} data-testid="fingerprint-now">
          {key.fingerprint ? formatFingerprint(key.fingerprint) : 'unknown'}
        </span>
      </Text>
      {key.reasons.map((reason, i) => (
        <Caption1 block key={i}>
          {reason}
        </Caption1>
      ))}
      <Text block>
        A changed key can mean that {address} made a new one, or that someone is impersonating them. Ask{' '}
        {address} by phone or in person to read out their key’s fingerprint, and compare every group with the
        key found now. Use the new key only if all of them match. Until you do, the plan does not use{' '}
        {PROTECTION_NAMES.pgp} for {address}.
      </Text>
    </>
  );
}

/**
 * Rendered for every assessed recipient, its button only while the key is `changed`: the dialog must stay mounted
 * through its closing, which the new answer after an acceptance would otherwise cut short, leaving the rest of the
 * pane hidden from assistive technology.
 */
export function KeyChange({ assessed, onAccept }: KeyChangeProps) {
  const styles = useStyles();
  const [open, setOpen] = useState(false);
  // What the sender was shown when they opened it: a newer answer does not change the evidence under their eyes.
  const [shown, setShown] = useState(assessed);
  const [accepting, setAccepting] = useState<Accepting>({ kind: 'idle' });
  // Opened by this button rather than a DialogTrigger: mark it, so that closing the dialog gives focus back to it.
  const restoreFocusTarget = useRestoreFocusTarget();
  const { address } = shown;
  const found = shown.key.fingerprint;
  const review = () => {
    setShown(assessed);
    setAccepting({ kind: 'idle' });
    setOpen(true);
  };
  const accept = (fingerprint: string) => {
    setAccepting({ kind: 'working' });
    onAccept(address, fingerprint).then(
      () => {
        setAccepting({ kind: 'idle' });
        setOpen(false);
      },
      (error: unknown) => {
        recordFailure('accepting a changed key', error);
        setAccepting({ kind: 'failed', text: acceptFailure(address, error) });
      },
    );
  };
  return (
    <>
      {assessed.key.verdict === 'changed' ? (
        <Button size="small" appearance="outline" onClick={review} {...restoreFocusTarget}>
          Review key change
        </Button>
      ) : null}
      <Dialog open={open} onOpenChange={(_, data) => setOpen(data.open)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>The OpenPGP key of {address} has changed</DialogTitle>
            <DialogContent className={styles.content}>
              <KeyEvidence assessed={shown} />
              {accepting.kind === 'failed' ? (
                <MessageBar intent="error" role="alert" layout="multiline">
                  <MessageBarBody>{accepting.text}</MessageBarBody>
                </MessageBar>
              ) : null}
            </DialogContent>
            <DialogActions>
              {found ? (
                <Button
                  appearance="primary"
                  // Focusable while working (aria-disabled, clicks ignored): a disabled button loses the focus,
                  // which in Chromium falls to the page's body, outside the modal dialog, and the sender reading
                  // the failure is no longer on its buttons.
                  disabledFocusable={accepting.kind === 'working'}
                  onClick={() => accept(found)}
                >
                  I checked it with {address}: use the new key
                </Button>
              ) : null}
              <DialogTrigger disableButtonEnhancement>
                <Button>Not now</Button>
              </DialogTrigger>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </>
  );
}
