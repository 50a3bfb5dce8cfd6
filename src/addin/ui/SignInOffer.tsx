/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/**
 * The pane's answer to a check that failed for want of a sign-in: the reason, and a Sign in button that runs the
 * host's interactive sign-in (the send handler never prompts; this is where the sender signs in), then checks
 * the recipients again. A token the service refused is said in words of its own: signing in again may mend it,
 * and where it does not, the service's Microsoft sign-in settings are the administrator's to check.
 */
import { Button, MessageBar, MessageBarActions, MessageBarBody, Spinner } from '@fluentui/react-components';
import { useState } from 'react';
import { messageOf } from '../../core/errors';
import type { SignInFault, SignInReach } from '../backend';

export const REFUSED_SIGN_IN =
  'The Sendguard service refused your sign-in. Sign in again; if that does not help, ask your administrator to check Sendguard’s Microsoft sign-in settings.';

/** After a sign-in in the pane's own window: true of the pane, and the sender should know that Send may not see it. */
export const PANE_ONLY_SIGN_IN =
  'You are signed in for this pane only: Outlook’s send check cannot use a sign-in made in this window. If Send is still stopped with “Open Sendguard to sign in”, ask your administrator to set up single sign-on for Sendguard.';

export interface SignInOfferProps {
  /** Why the check failed, as the backend client said it. */
  error: string;
  fault: SignInFault;
  signIn: () => Promise<SignInReach>;
  /** Checks the recipients again. */
  onSignedIn: (reach: SignInReach) => void;
}

type Attempt = { status: 'idle' } | { status: 'running' } | { status: 'failed'; error: string };

export function SignInOffer({ error, fault, signIn, onSignedIn }: SignInOfferProps) {
  const [attempt, setAttempt] = useState<Attempt>({ status: 'idle' });
  const start = () => {
    setAttempt({ status: 'running' });
    signIn().then(
      (reach) => {
        setAttempt({ status: 'idle' });
        onSignedIn(reach);
      },
      (failure: unknown) => setAttempt({ status: 'failed', error: messageOf(failure) }),
    );
  };
  return (
    <MessageBar intent="warning" role="alert" layout="multiline">
      <MessageBarBody>
        {fault === 'refused'
          ? `${REFUSED_SIGN_IN} Sending stays blocked until the recipients are checked.`
          : `${error} Sign in to Sendguard to check the recipients; sending stays blocked until then.`}
        {attempt.status === 'failed' ? ` The sign-in did not work: ${attempt.error}` : ''}
      </MessageBarBody>
      <MessageBarActions>
        {attempt.status === 'running' ? (
          <Spinner size="tiny" label="Signing in…" />
        ) : (
          <Button appearance="primary" onClick={start}>
            Sign in
          </Button>
        )}
      </MessageBarActions>
    </MessageBar>
  );
}
