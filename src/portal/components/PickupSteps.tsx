/** The pickup's three forms: the recipient's address, the mailed code, and the sender's passcode. */
import { Button, Field, Input, Text } from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import type { SignInProvider } from '../../core/escrow/wire';

/** A form's submit without the page reload, running `action`. */
const submitting = (action: () => void) => (event: FormEvent) => {
  event.preventDefault();
  action();
};

/**
 * What the address step says next to sign-in buttons: a recipient who is to sign in gets no mailed code, so one
 * who waits for a code instead of signing in would wait forever.
 */
function addressHint(signIn: SignInProvider[]): string {
  if (signIn.length === 0) return 'The address this message was sent to. We email you a one-time code.';
  const labels = signIn.map((p) => p.label).join(' or ');
  return (
    `The address this message was sent to. If your email account is with ${labels}, use the sign-in above ` +
    'instead: no code is emailed to addresses that sign in. For other addresses we email a one-time code.'
  );
}

export function AddressStep({
  busy,
  address,
  signIn,
  onAddress,
  onSubmit,
}: {
  busy: boolean;
  address: string;
  /** The sign-ins the page offers above this form. */
  signIn: SignInProvider[];
  onAddress: (address: string) => void;
  onSubmit: () => void;
}) {
  return (
    <form onSubmit={submitting(onSubmit)}>
      <Field label="Your email address" hint={addressHint(signIn)}>
        <Input
          type="email"
          required
          value={address}
          onChange={(_, d) => onAddress(d.value)}
          autoComplete="email"
        />
      </Field>
      <Button appearance="primary" type="submit" disabled={busy} style={{ marginTop: 12 }}>
        Email me a code
      </Button>
    </form>
  );
}

export function CodeStep({
  busy,
  address,
  code,
  onCode,
  onSubmit,
  onRestart,
}: {
  busy: boolean;
  address: string;
  code: string;
  onCode: (code: string) => void;
  onSubmit: () => void;
  onRestart: () => void;
}) {
  return (
    <form onSubmit={submitting(onSubmit)}>
      <Text block>
        If {address} is a recipient of this message, a code is on its way. It works once, for 10 minutes.
      </Text>
      <Field label="Code from the email" style={{ marginTop: 12 }}>
        <Input
          required
          inputMode="numeric"
          autoComplete="one-time-code"
          value={code}
          onChange={(_, d) => onCode(d.value)}
        />
      </Field>
      <div style={{ display: 'flex', gap: 8, marginTop: 12 }}>
        <Button appearance="primary" type="submit" disabled={busy}>
          Open message
        </Button>
        <Button type="button" disabled={busy} onClick={onRestart}>
          Use another address or get a new code
        </Button>
      </div>
    </form>
  );
}

export function PasscodeStep({ busy, onSubmit }: { busy: boolean; onSubmit: (passcode: string) => void }) {
  const [passcode, setPasscode] = useState('');
  return (
    <form onSubmit={submitting(() => onSubmit(passcode))}>
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
  );
}
