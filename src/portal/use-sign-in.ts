/**
 * The recipient's sign-in, from the page that holds the link's secret in memory: the provider's pages open in a
 * pop-up (this page never navigates away), whose landing page tells this one on a BroadcastChannel how it went;
 * after a sign-in this page asks for the session the pop-up started and carries on as after a right code.
 */
import { useEffect, useState } from 'react';
import { messageOf } from '../core/errors';
import { outcomeFor, SIGN_IN_CHANNEL } from '../core/escrow/sign-in-outcome';
import type { SignInProvider } from '../core/escrow/wire';
import { POPUP_BLOCKED, signInFailureText } from './sign-in-failure-text';
import type { PickupFlow } from './use-pickup-flow';

export interface SignIn {
  /** Opens the provider's sign-in in a pop-up; must run in the click that asked for it. */
  start(provider: SignInProvider): void;
  /** The provider whose pop-up is open, while it is. */
  waitingFor: SignInProvider | undefined;
  /** Why the last sign-in did not open the message, in words; '' when it did or none ran. */
  problem: string;
}

export function useSignIn(flow: PickupFlow, messageId: string): SignIn {
  const [waitingFor, setWaitingFor] = useState<SignInProvider>();
  const [problem, setProblem] = useState('');

  useEffect(() => {
    if (!waitingFor) return undefined;
    const channel = new BroadcastChannel(SIGN_IN_CHANNEL);
    channel.onmessage = (event: MessageEvent<unknown>) => {
      const outcome = outcomeFor(event.data, messageId);
      if (!outcome) return; // another message's sign-in, or not an outcome at all
      setWaitingFor(undefined);
      if ('signedIn' in outcome) {
        flow.client.signedInSession().then(flow.continueAfterProof, (e: unknown) => setProblem(messageOf(e)));
      } else {
        setProblem(signInFailureText(outcome.failed, waitingFor.label));
      }
    };
    return () => channel.close();
  }, [waitingFor, flow, messageId]);

  return {
    start(provider) {
      setProblem('');
      const popup = window.open(
        flow.client.signInUrl(provider.provider),
        'sendguard-sign-in',
        'popup,width=520,height=700',
      );
      if (!popup) return setProblem(POPUP_BLOCKED);
      setWaitingFor(provider);
    },
    waitingFor,
    problem,
  };
}
