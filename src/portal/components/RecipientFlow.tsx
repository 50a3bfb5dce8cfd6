/**
 * The recipient's steps: say who you are, enter the mailed code (and the passcode, if the sender set one), read.
 * Nothing happens on load but one read-only request: a scanner that opens the link changes nothing.
 */
import { Button, Field, Input, MessageBar, MessageBarBody, Spinner, Text } from '@fluentui/react-components';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { PickupLink } from '../../core/escrow/link';
import { senderLabel } from '../../core/escrow/sender-label';
import type { PickupInfo } from '../../core/escrow/wire';
import { PickupClient, type OpenedMessage } from '../pickup-client';
import { MessageView } from './MessageView';
import { Page } from './Page';
import { messageOf } from '../../core/errors';

type Step = 'loading' | 'address' | 'code' | 'passcode' | 'open' | 'gone';

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'long', timeStyle: 'short' });

export function RecipientFlow({ link, apiBase }: { link: PickupLink; apiBase: string }) {
  const client = useMemo(
    () => new PickupClient(link, { apiBase, fetch: window.fetch.bind(window) }),
    [link, apiBase],
  );
  const [step, setStep] = useState<Step>('loading');
  const [info, setInfo] = useState<PickupInfo>();
  const [address, setAddress] = useState('');
  const [code, setCode] = useState('');
  const [passcode, setPasscode] = useState('');
  const [opened, setOpened] = useState<OpenedMessage>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  useEffect(() => {
    client.info().then(
      (answer) => {
        setInfo(answer);
        setStep('address');
      },
      (e: Error & { status?: number }) =>
        e.status === 410 || e.status === 404 ? setStep('gone') : setError(e.message),
    );
  }, [client]);

  const run = (action: () => Promise<void>) => async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      await action();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const open = async (passcodeText?: string) => {
    const salt = info?.passcodeSalt;
    setOpened(
      await client.open(passcodeText !== undefined && salt ? { text: passcodeText, salt } : undefined),
    );
    setStep('open');
  };

  if (step === 'open' && opened && info) return <MessageView client={client} opened={opened} info={info} />;
  if (step === 'gone') {
    return (
      <Page title="This message is no longer available">
        <Text>The sender revoked it or it expired. Ask the sender to send it again.</Text>
      </Page>
    );
  }
  const sender = info ? senderLabel(info.senderName, info.senderAddress) : '';
  return (
    <Page title="Open your secure message">
      {step === 'loading' && !error && <Spinner label="Loading" />}
      {info && (
        <Text>
          {sender} sent you an encrypted message. It can be opened until {when(info.expiresAt)}.
        </Text>
      )}
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      {step === 'address' && (
        <form
          onSubmit={run(async () => {
            await client.requestCode(address);
            setStep('code');
          })}
        >
          <Field
            label="Your email address"
            hint="The address this message was sent to. We email you a one-time code."
          >
            <Input
              type="email"
              required
              value={address}
              onChange={(_, d) => setAddress(d.value)}
              autoComplete="email"
            />
          </Field>
          <Button appearance="primary" type="submit" disabled={busy} style={{ marginTop: 12 }}>
            Email me a code
          </Button>
        </form>
      )}
      {step === 'code' && (
        <form
          onSubmit={run(async () => {
            await client.verify(address, code);
            if (info?.passcodeSalt) setStep('passcode');
            else await open();
          })}
        >
          <Text block>
            If {address} is a recipient of this message, a code is on its way. It works once, for 10 minutes.
          </Text>
          <Field label="Code from the email" style={{ marginTop: 12 }}>
            <Input
              required
              inputMode="numeric"
              autoComplete="one-time-code"
              value={code}
              onChange={(_, d) => setCode(d.value)}
            />
          </Field>
          <div style={{ display: 'flex', gap: 8, marginTop: 12 }}>
            <Button appearance="primary" type="submit" disabled={busy}>
              Open message
            </Button>
            <Button type="button" disabled={busy} onClick={() => setStep('address')}>
              Use another address or get a new code
            </Button>
          </div>
        </form>
      )}
      {step === 'passcode' && (
        <form onSubmit={run(() => open(passcode))}>
          <Field
            label="Passcode"
            hint="The sender gave you this separately (by phone or text message). It is not in the email."
          >
            <Input type="password" required value={passcode} onChange={(_, d) => setPasscode(d.value)} />
          </Field>
          <Button appearance="primary" type="submit" disabled={busy} style={{ marginTop: 12 }}>
            Open message
          </Button>
        </form>
      )}
      {busy && <Spinner size="tiny" label="Working" />}
    </Page>
  );
}
