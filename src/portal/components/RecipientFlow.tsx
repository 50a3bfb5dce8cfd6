/**
 * The recipient's steps: say who you are, enter the mailed code (where the message offers one), the passcode (for
 * a recipient who needs it), read.
 * Nothing happens on load but one read-only request: a scanner that opens the link changes nothing.
 */
import { Spinner, Text } from '@fluentui/react-components';
import { useState } from 'react';
import type { PickupLink } from '../../core/escrow/link';
import { senderLabel } from '../../core/escrow/sender-label';
import { usePickupFlow } from '../use-pickup-flow';
import { useSignIn } from '../use-sign-in';
import { SignInStep } from './SignInStep';
import { MessageView } from './MessageView';
import { ErrorBar } from './ErrorBar';
import { Page } from './Page';
import { AddressStep, CodeStep, PasscodeStep } from './PickupSteps';

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'long', timeStyle: 'short' });

export function RecipientFlow({ link, apiBase }: { link: PickupLink; apiBase: string }) {
  const flow = usePickupFlow(link, apiBase);
  const signIn = useSignIn(flow, link.messageId);
  // Kept here, not in their forms: the code step names the address, and both outlive a step back.
  const [address, setAddress] = useState('');
  const [code, setCode] = useState('');
  const { step, info, error, busy } = flow;

  if (step === 'open' && flow.opened && info)
    return <MessageView client={flow.client} opened={flow.opened} info={info} />;
  if (step === 'gone') {
    return (
      <Page title="This message is no longer available">
        <Text>The sender revoked it or it expired. Ask the sender to send it again.</Text>
      </Page>
    );
  }
  return (
    <Page title="Open your secure message">
      {step === 'loading' && !error && <Spinner label="Loading" />}
      {info && (
        <Text>
          {senderLabel(info.senderName, info.senderAddress)} sent you an encrypted message. It can be opened
          until {when(info.expiresAt)}.
        </Text>
      )}
      <ErrorBar message={error} />
      {step === 'address' && info && info.proofs.signIn.length > 0 && (
        <SignInStep
          providers={info.proofs.signIn}
          waitingFor={signIn.waitingFor}
          problem={signIn.problem}
          onSignIn={signIn.start}
        />
      )}
      {step === 'address' && info?.proofs.code && (
        <AddressStep
          busy={busy}
          address={address}
          signIn={info.proofs.signIn}
          onAddress={setAddress}
          onSubmit={() => void flow.requestCode(address)}
        />
      )}
      {step === 'code' && (
        <CodeStep
          busy={busy}
          address={address}
          code={code}
          onCode={setCode}
          onSubmit={() => void flow.verify(address, code)}
          onRestart={flow.restart}
        />
      )}
      {step === 'passcode' && <PasscodeStep busy={busy} onSubmit={(passcode) => void flow.open(passcode)} />}
      {busy && <Spinner size="tiny" label="Working" />}
    </Page>
  );
}
