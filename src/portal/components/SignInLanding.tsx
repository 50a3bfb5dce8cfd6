/**
 * Where the sign-in pop-up ends (`/pickup/?signed-in=…` or `?sign-in-failed=…`): it tells the page that opened it
 * and closes. Should the browser keep it open, it says what to do.
 */
import { Text } from '@fluentui/react-components';
import { useEffect } from 'react';
import { SIGN_IN_CHANNEL, type SignInOutcome } from '../../core/escrow/sign-in-outcome';
import { Page } from './Page';

export function SignInLanding({ outcome }: { outcome: SignInOutcome }) {
  useEffect(() => {
    const channel = new BroadcastChannel(SIGN_IN_CHANNEL);
    channel.postMessage(outcome);
    channel.close();
    window.close();
  }, [outcome]);
  return (
    <Page title={'signedIn' in outcome ? 'You are signed in' : 'The sign-in did not complete'}>
      <Text>Close this window and go back to the page of your secure message; it says what comes next.</Text>
    </Page>
  );
}
