/**
 * The recipient's progress through the pickup, without the screens: the one read-only request on load, which
 * step comes next, and each step's request with its busy flag and its error in words.
 */
import { useEffect, useMemo, useState } from 'react';
import { EscrowHttpError } from '../core/escrow/http';
import type { PickupLink } from '../core/escrow/link';
import type { PickupInfo, VerifyResponse } from '../core/escrow/wire';
import { messageOf } from '../core/errors';
import { PickupClient, type OpenedMessage } from './pickup-client';

export type Step = 'loading' | 'address' | 'code' | 'passcode' | 'open' | 'gone';

export interface PickupFlow {
  client: PickupClient;
  step: Step;
  info: PickupInfo | undefined;
  opened: OpenedMessage | undefined;
  busy: boolean;
  error: string;
  /** Asks for a code for `address`; on to the code step. */
  requestCode(address: string): Promise<void>;
  /** Checks the code, then goes on as `continueAfterProof` does. */
  verify(address: string, code: string): Promise<void>;
  /**
   * Goes on with a proven recipient's session (a right code, or a sign-in's `POST /pickup/:id/session`): to the
   * passcode step when this recipient needs the sender's passcode, else straight to the message.
   */
  continueAfterProof(answer: VerifyResponse): Promise<void>;
  /** Opens the message, with the passcode when this recipient needs one. */
  open(passcode?: string): Promise<void>;
  /** Back to the address step (another address, or a new code). */
  restart(): void;
}

export function usePickupFlow(link: PickupLink, apiBase: string): PickupFlow {
  const client = useMemo(
    () => new PickupClient(link, { apiBase, fetch: window.fetch.bind(window) }),
    [link, apiBase],
  );
  const [step, setStep] = useState<Step>('loading');
  const [info, setInfo] = useState<PickupInfo>();
  const [opened, setOpened] = useState<OpenedMessage>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  useEffect(() => {
    client.info().then(
      (answer) => {
        setInfo(answer);
        setStep('address');
      },
      (e: unknown) =>
        e instanceof EscrowHttpError && (e.status === 410 || e.status === 404)
          ? setStep('gone')
          : setError(messageOf(e)),
    );
  }, [client]);

  /** One step's request: busy while it runs, its failure shown in words. */
  const run = async (action: () => Promise<void>) => {
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

  const openWith = async (passcode?: string) => {
    const salt = info?.passcodeSalt;
    setOpened(await client.open(passcode !== undefined && salt ? { text: passcode, salt } : undefined));
    setStep('open');
  };

  const proceed = async (answer: VerifyResponse) => {
    client.useSession(answer);
    if (answer.needsPasscode) setStep('passcode');
    else await openWith();
  };

  return {
    client,
    step,
    info,
    opened,
    busy,
    error,
    requestCode: (address) =>
      run(async () => {
        await client.requestCode(address);
        setStep('code');
      }),
    verify: (address, code) => run(async () => proceed(await client.verify(address, code))),
    continueAfterProof: (answer) => run(() => proceed(answer)),
    open: (passcode) => run(() => openWith(passcode)),
    restart: () => setStep('address'),
  };
}
