/**
 * @jest-environment jsdom
 */
/**
 * The shared pane in jsdom over a fake MailHost and backend: badges in truthful words, the "why" disclosed by a
 * keyboard-reachable button, the plan's one button, and a failed backend shown as an error, never as a plan.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { randomBytes } from 'node:crypto';
import { createElement } from 'react';
import type { AssessAnswer, Backend, Identity, SignInReach } from '../../src/addin/backend';
import { BackendError } from '../../src/addin/backend';
import { PANE_ONLY_SIGN_IN } from '../../src/addin/ui/SignInOffer';
import type { MailHost } from '../../src/addin/host';
import { CLASSIFICATION_HEADER } from '../../src/addin/protect/applied';
import type { EscrowMessage, EscrowRequest } from '../../src/addin/protect/escrow-port';
import { checkSend } from '../../src/addin/send-check';
import { Pane } from '../../src/addin/ui/Pane';
import type { TransportVerdict } from '../../src/core/vocabulary';
import { assessedRecipient } from '../helpers/assess-answer';
import { defaultPolicy } from '../helpers/policy';
import { paneHost } from './pane-host';

// jsdom has no ResizeObserver; Fluent's MessageBar only needs it to reflow, which jsdom does not do anyway.
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};

// Nor structuredClone, which the shared policy helper uses; the policy is plain JSON.
globalThis.structuredClone ??= <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function recipient(address: string, verdict: TransportVerdict): AssessAnswer['recipients'][number] {
  return assessedRecipient(address, verdict, [`${address.split('@')[1]} reason`]);
}

function fakeBackend(answer: AssessAnswer | Error): Backend {
  return {
    policy: async () => ({ version: 'v', policy: defaultPolicy() }),
    assess: async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    },
    acceptKey: () => Promise.reject(new Error('no key to accept here')),
  };
}

async function renderPane(
  host: MailHost,
  backend: Backend,
  signIn?: () => Promise<SignInReach>,
  whoAmI?: () => Promise<Identity>,
) {
  await act(async () => {
    render(
      createElement(Pane, {
        host,
        backend,
        backendUrl: 'https://sg.example',
        randomHex: () => 'aa',
        ...(signIn ? { signIn } : {}),
        ...(whoAmI ? { whoAmI } : {}),
      }),
    );
  });
}

const IBAN = 'IBAN DE89 3704 0044 0532 0130 00';

test('encrypted-only TLS is never shown as authenticated, and the why opens from a button', async () => {
  const answer: AssessAnswer = {
    policyVersion: 'v',
    partial: false,
    recipients: [recipient('a@auth.example', 'authenticated'), recipient('b@enc.example', 'encrypted')],
    invalid: [],
  };
  await renderPane(paneHost(['a@auth.example', 'b@enc.example'], IBAN), fakeBackend(answer));
  expect(await screen.findByText('Forced TLS · authenticated')).toBeTruthy();
  expect(screen.getByText('Forced TLS · encrypted only')).toBeTruthy();
  expect(screen.getByText(/Treated as Confidential/)).toBeTruthy();
  const why = screen.getAllByRole('button', { name: 'Why?' })[1]!;
  expect(why.getAttribute('aria-expanded')).toBe('false');
  fireEvent.click(why);
  expect(why.getAttribute('aria-expanded')).toBe('true');
  expect(screen.getAllByText(/enc.example reason/).length).toBeGreaterThan(0);
  expect(screen.getByRole('button', { name: 'Add the forced-TLS tag' })).toBeTruthy();
});

test('a backend that cannot be reached is an error, with no plan and no button', async () => {
  await renderPane(paneHost(['a@x.example'], 'hi'), fakeBackend(new BackendError('BACKEND_UNREACHABLE')));
  expect((await screen.findByRole('alert')).textContent).toContain('could not be reached');
  expect(screen.queryByRole('button', { name: /forced-TLS|OpenPGP|pickup/ })).toBeNull();
});

describe('a reply in a protected thread', () => {
  const answer: AssessAnswer = {
    policyVersion: 'v',
    partial: false,
    recipients: [recipient('a@auth.example', 'authenticated')],
    invalid: [],
  };
  const replyHost = () => ({
    ...paneHost(['a@auth.example'], 'Thanks, will do.'),
    getThreadOrigin: async () => ({ how: 'reply' as const, marks: [{ kind: 'openpgp' as const }] }),
  });
  const backendWith = (allowLowering: boolean): Backend => ({
    ...fakeBackend(answer),
    policy: async () => ({
      version: 'v',
      policy: defaultPolicy({ threads: { keepProtection: true, allowLowering } }),
    }),
  });

  test('starts at the thread’s classification, says why, and offers nothing lower where the policy forbids it', async () => {
    const host = replyHost();
    await renderPane(host, backendWith(false));
    expect(
      await screen.findByText(
        /This thread was restricted: the message you are replying to was OpenPGP-encrypted.*Your organisation does not let you choose a lower classification\./,
      ),
    ).toBeTruthy();
    const picker = screen.getByRole('combobox') as HTMLSelectElement;
    expect(picker.value).toBe('restricted');
    expect((screen.getByRole('option', { name: 'Normal' }) as HTMLOptionElement).disabled).toBe(true);
    // The send check, which may run without the pane, reaches the same refusal.
    const decision = await checkSend(host, backendWith(false));
    expect(decision).toMatchObject({
      kind: 'block',
      text: expect.stringMatching(/^This thread was restricted/),
    });
  });

  test('where the policy allows it, a lower choice is recorded on the item, and the send check honours it', async () => {
    const host = replyHost();
    await renderPane(host, backendWith(true));
    const picker = (await screen.findByRole('combobox')) as HTMLSelectElement;
    await act(async () => {
      fireEvent.change(picker, { target: { value: 'normal' } });
    });
    expect(await screen.findByText(/You chose a lower classification than Restricted/)).toBeTruthy();
    expect(await host.getHeader(CLASSIFICATION_HEADER)).toBe('normal');
    expect(await host.getHeader('X-Sendguard-Thread-Lowered')).toBe('restricted');
    expect(await checkSend(host, backendWith(true))).toMatchObject({ kind: 'allow' });
    // Back at the thread's classification: the record of lowering is taken back.
    await act(async () => {
      fireEvent.change(picker, { target: { value: 'restricted' } });
    });
    expect(await host.getHeader('X-Sendguard-Thread-Lowered')).toBe('');
  });
});

describe('signing in from the pane', () => {
  const NOT_SIGNED_IN = new BackendError(
    'BACKEND_NOT_SIGNED_IN',
    'Outlook has no account signed in for Sendguard',
  );
  const answer: AssessAnswer = {
    policyVersion: 'v',
    partial: false,
    recipients: [recipient('a@auth.example', 'authenticated')],
    invalid: [],
  };

  /** A backend that refuses until `signedIn()`, then answers. */
  function signInBackend(refusal: BackendError) {
    let signedIn = false;
    const backend: Backend = {
      ...fakeBackend(answer),
      assess: async () => {
        if (!signedIn) throw refusal;
        return answer;
      },
    };
    return {
      backend,
      signIn: (reach: SignInReach = 'everywhere') => {
        signedIn = true;
        return reach;
      },
    };
  }

  test.each([
    ['no token', NOT_SIGNED_IN, 'You are not signed in to the Sendguard service'],
    [
      'a token refused',
      new BackendError('BACKEND_UNAUTHORIZED', 'HTTP 401'),
      'The Sendguard service refused your sign-in. Sign in again; if that does not help, ask your administrator to check Sendguard’s Microsoft sign-in settings.',
    ],
  ])(
    '%s: the reason and a Sign in button; signed in, the recipients are checked again',
    async (_, refusal, words) => {
      const { backend, signIn } = signInBackend(refusal);
      const asked: string[] = [];
      await renderPane(paneHost(['a@auth.example'], 'hi'), backend, async () => {
        asked.push('sign in');
        return signIn();
      });
      const said = (await screen.findByRole('alert')).textContent;
      expect(said).toContain(words);
      expect(said).not.toContain('HTTP 401');
      await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in' })));
      expect(asked).toEqual(['sign in']);
      await screen.findByTestId('plan-summary');
      expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();
      expect(screen.queryByText(PANE_ONLY_SIGN_IN)).toBeNull();
    },
  );

  test('a sign-in in the pane’s own window: the recipients are checked, and the pane says Send may not see it', async () => {
    const { backend, signIn } = signInBackend(NOT_SIGNED_IN);
    await renderPane(paneHost(['a@auth.example'], 'hi'), backend, async () => signIn('pane-only'));
    await act(async () => fireEvent.click(await screen.findByRole('button', { name: 'Sign in' })));
    await screen.findByTestId('plan-summary');
    expect(screen.getByText(PANE_ONLY_SIGN_IN)).toBeTruthy();
  });

  test('signed in, the pane names who the service takes the sender to be; before, nobody', async () => {
    const { backend, signIn } = signInBackend(NOT_SIGNED_IN);
    const asked: string[] = [];
    const whoAmI = async () => {
      asked.push('who');
      return {
        kind: 'entra' as const,
        subject: 'oid-sam',
        name: 'Sam Sender',
        address: 'sam@example.gov',
        roles: ['sender' as const],
      };
    };
    await renderPane(paneHost(['a@auth.example'], 'hi'), backend, async () => signIn(), whoAmI);
    await screen.findByRole('button', { name: 'Sign in' });
    expect(screen.queryByText(/Signed in as/)).toBeNull();
    expect(asked).toEqual([]);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in' })));
    await screen.findByText('Signed in as Sam Sender (sam@example.gov)');
  });

  test('a sign-in that fails says why and offers the button again', async () => {
    await renderPane(paneHost(['a@auth.example'], 'hi'), signInBackend(NOT_SIGNED_IN).backend, () =>
      Promise.reject(new Error('the sign-in was closed')),
    );
    await act(async () => fireEvent.click(await screen.findByRole('button', { name: 'Sign in' })));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The sign-in did not work: the sign-in was closed',
    );
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
  });

  test('no Sign in where the host has none', async () => {
    await renderPane(paneHost(['a@x.example'], 'hi'), signInBackend(NOT_SIGNED_IN).backend);
    expect((await screen.findByRole('alert')).textContent).toContain('not signed in');
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();
  });

  test('a backend that cannot be reached offers no Sign in', async () => {
    await renderPane(
      paneHost(['a@x.example'], 'hi'),
      signInBackend(new BackendError('BACKEND_UNREACHABLE')).backend,
      async () => 'everywhere',
    );
    expect((await screen.findByRole('alert')).textContent).toContain('could not be reached');
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();
  });
});

test('a classification the policy no longer has is an error the pane shows, as the send check stops on it', async () => {
  const host = paneHost(['a@x.example'], 'hi');
  await host.setHeaders({ [CLASSIFICATION_HEADER]: 'secret' });
  const answer: AssessAnswer = {
    policyVersion: 'v',
    partial: false,
    recipients: [recipient('a@x.example', 'authenticated')],
    invalid: [],
  };
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  await renderPane(host, fakeBackend(answer));
  const alert = await screen.findByRole('alert');
  expect(alert.textContent).toContain('could not plan this message: "secret" is not a classification');
  // Recorded with its code, once, for whoever reads the console.
  const recorded = warn.mock.calls.filter(([line]) => String(line).includes('planning the message failed'));
  expect(recorded).toHaveLength(1);
  expect(String(recorded[0]![0])).toMatch(/\[[A-Z_]+\]: "secret" is not a classification/);
  warn.mockRestore();
  expect(await checkSend(host, fakeBackend(answer))).toMatchObject({
    kind: 'block',
    text: expect.stringContaining('"secret" is not a classification'),
  });
});

test('a body too long to check whole: the pane says so and plans as the send check does', async () => {
  const text = `${'Minutes of the meeting. '.repeat(90_000)}SSN 234-56-7890`;
  const answer: AssessAnswer = {
    policyVersion: 'v',
    partial: false,
    recipients: [recipient('a@auth.example', 'authenticated')],
    invalid: [],
  };
  await renderPane(paneHost(['a@auth.example'], text), fakeBackend(answer));
  expect(
    await screen.findByText(/Treated as Restricted .* because the message is too long to check in full/),
  ).toBeTruthy();
  expect(screen.getByText(/only its beginning was checked/)).toBeTruthy();
  expect(await checkSend(paneHost(['a@auth.example'], text), fakeBackend(answer))).toMatchObject({
    kind: 'block',
  });
});

describe('a changed OpenPGP key: the sender checks it and accepts it', () => {
  const ANN = 'ann@plain.example';
  const BEFORE = '0123456789ABCDEF0123456789ABCDEF01234567';
  const NOW = 'FEDCBA9876543210FEDCBA9876543210FEDCBA98';
  const SSN = 'Her SSN is 234-56-7890.';
  // jsdom lays nothing out: every element has no offsetParent and the body no size, so Fluent's focus manager
  // (tabster) finds nothing focusable in a dialog. The dialog then focuses its own surface, before tabster has
  // made the surface its modalizer, which tabster then never makes active (it does so for focus inside it, not
  // on it); its next update, 250 ms after a change, hides every inactive modalizer, the dialog included, and a
  // test passed only when it finished first. Chromium focuses the dialog's first button and keeps the dialog in
  // the accessibility tree; laid out like that here, the dialog behaves as it does there.
  const layout: jest.SpyInstance[] = [];
  beforeEach(() => {
    layout.push(
      jest.spyOn(HTMLElement.prototype, 'offsetParent', 'get').mockImplementation(function (
        this: HTMLElement,
      ) {
        return this.isConnected ? document.body : null;
      }),
      jest.spyOn(document.body, 'getBoundingClientRect').mockReturnValue(new DOMRect(0, 0, 400, 800)),
    );
  });
  afterEach(() => layout.splice(0).forEach((spy) => spy.mockRestore()));

  /**
   * The service as the pane meets it: Ann's key changed from BEFORE to NOW, `accepted` by the sender only when
   * the key found now is still the one they checked (`moves` makes it change again first).
   */
  function keyService(options: { moves?: string; unreachable?: boolean } = {}) {
    let found = NOW;
    let pinned = BEFORE;
    const accepted: string[] = [];
    let assessed = 0;
    const key = (): AssessAnswer['recipients'][number]['key'] =>
      found === pinned
        ? {
            address: ANN,
            verdict: 'valid',
            source: 'pinned',
            fingerprint: found,
            reasons: [],
            armoredKey: 'KEY',
          }
        : {
            address: ANN,
            verdict: 'changed',
            source: 'wkd',
            fingerprint: found,
            pinnedFingerprint: pinned,
            reasons: [`the key differs from the pinned key ${pinned} (pinned by first-use)`],
          };
    const backend: Backend = {
      policy: async () => ({ version: 'v', policy: defaultPolicy() }),
      assess: async () => {
        assessed += 1;
        return {
          policyVersion: 'v',
          partial: false,
          recipients: [{ ...recipient(ANN, 'none'), key: key() }],
          invalid: [],
        };
      },
      acceptKey: async (address, fingerprint) => {
        if (options.unreachable) throw new BackendError('BACKEND_UNREACHABLE', 'connection refused');
        if (options.moves) found = options.moves;
        if (address !== ANN || fingerprint !== found)
          throw new BackendError('KEY_CHANGED_AGAIN', `a new lookup finds key ${found}, not ${fingerprint}`);
        pinned = fingerprint;
        accepted.push(fingerprint);
        return key();
      },
    };
    return { backend, accepted, assessments: () => assessed };
  }

  async function openKeyChange(backend: Backend) {
    await renderPane(paneHost([ANN], SSN), backend);
    fireEvent.click(await screen.findByRole('button', { name: 'Review key change' }));
    const dialog = await screen.findByRole('dialog');
    // As in Chromium: the dialog takes the focus to its first button, which keeps it the page's active modal.
    await waitFor(() => expect(document.activeElement).toBe(acceptButton()));
    return dialog;
  }

  const acceptButton = () =>
    screen.getByRole('button', { name: `I checked it with ${ANN}: use the new key` });

  test('both fingerprints in groups of four, where the new one came from, and no word of an administrator', async () => {
    const dialog = await openKeyChange(keyService().backend);
    expect(screen.getByTestId('fingerprint-before').textContent).toBe(
      '0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567',
    );
    expect(screen.getByTestId('fingerprint-now').textContent).toBe(
      'FEDC BA98 7654 3210 FEDC BA98 7654 3210 FEDC BA98',
    );
    expect(dialog.textContent).toContain("Key found now, from the recipient's web key directory");
    expect(dialog.textContent).toContain('pinned by first-use');
    // Not "another protection": with end-to-end required and no secure pickup, the recipient is blocked.
    expect(dialog.textContent).toContain(`Until you do, the plan does not use OpenPGP for ${ANN}.`);
    expect(dialog.textContent).toContain(`Ask ${ANN} by phone or in person`);
    expect(dialog.textContent).not.toMatch(/administrator/);
  });

  test('accepting sends the fingerprint shown, then checks the recipients again: the key is used', async () => {
    const service = keyService();
    await openKeyChange(service.backend);
    expect(screen.getAllByText('Secure pickup').length).toBeGreaterThan(0);
    const before = service.assessments();
    await act(async () => {
      fireEvent.click(acceptButton());
    });
    expect(service.accepted).toEqual([NOW]);
    expect(service.assessments()).toBeGreaterThan(before);
    expect(await screen.findByText('OpenPGP')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Review key change' })).toBeNull();
  });

  test('a key that changed again is not accepted: the sender is told so, and the pane checks again', async () => {
    const AGAIN = '1111222233334444555566667777888899990000';
    const service = keyService({ moves: AGAIN });
    await openKeyChange(service.backend);
    const before = service.assessments();
    await act(async () => {
      fireEvent.click(acceptButton());
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(`The key of ${ANN} changed again after it was shown here`);
    expect(alert.textContent).toContain('nothing was accepted');
    expect(service.accepted).toEqual([]);
    expect(service.assessments()).toBeGreaterThan(before);
  });

  test('a service that cannot be reached: the reason, and that nothing changed', async () => {
    await openKeyChange(keyService({ unreachable: true }).backend);
    await act(async () => {
      fireEvent.click(acceptButton());
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(
      `The new key of ${ANN} could not be accepted: The Sendguard service could not be reached (connection refused).`,
    );
    expect(alert.textContent).toContain('Nothing was changed; try again.');
  });
});

describe('secure pickup: the proof beside each recipient, and the sender’s passcode', () => {
  const SSN = 'Her SSN is 234-56-7890.';
  const GOOGLE = { provider: 'google', label: 'Google' };

  /** An escrow client that keeps what it was asked, as the real one would send it. */
  function fakeEscrow() {
    const requests: EscrowRequest[] = [];
    const escrow: EscrowMessage = async (request) => {
      requests.push(request);
      return {
        id: 'm'.repeat(22),
        pickupUrl: 'https://sg.example/pickup/#r1.x',
        senderUrl: 'https://sg.example/pickup/#s1.x',
        expiresAt: '2027-01-06T00:00:00.000Z',
        notice: { html: '<p>notice</p>', text: 'notice' },
      };
    };
    return { escrow, requests };
  }

  async function renderPickup(recipients: AssessAnswer['recipients']) {
    const host = paneHost(
      recipients.map((r) => r.address),
      SSN,
    );
    const { escrow, requests } = fakeEscrow();
    const answer: AssessAnswer = { policyVersion: 'v', partial: false, recipients, invalid: [] };
    await act(async () => {
      render(
        createElement(Pane, {
          host,
          backend: fakeBackend(answer),
          backendUrl: 'https://sg.example',
          escrow,
          randomHex: () => randomBytes(16).toString('hex'),
        }),
      );
    });
    await screen.findByTestId('plan-summary');
    return { host, requests };
  }

  const proofOf = (address: string) =>
    screen.getByRole('listitem', { name: new RegExp(`^${address}:`) }).querySelector('[data-proof]')
      ?.textContent;
  const sendButton = () => screen.getByRole('button', { name: 'Send by secure pickup' }) as HTMLButtonElement;
  const passcodeInput = () =>
    screen.getByRole('textbox', { name: /Passcode for this message/ }) as HTMLInputElement;

  test('each row names its proof; a recipient with none off the mail route needs a passcode before applying', async () => {
    await renderPickup([
      recipient('a@auth.example', 'authenticated'),
      { ...recipient('b@enc.example', 'encrypted'), signIn: GOOGLE },
      recipient('c@enc.example', 'encrypted'),
    ]);
    expect(proofOf('a@auth.example')).toBe('code by mail');
    expect(proofOf('b@enc.example')).toBe('sign-in with Google');
    expect(proofOf('c@enc.example')).toBe('your passcode');
    expect(
      screen.getByText(/c@enc\.example can open this message only with a passcode you set here/),
    ).toBeTruthy();
    expect(screen.getByText(/by phone or another channel — never in this email/)).toBeTruthy();
    expect(sendButton().disabled).toBe(true);
    fireEvent.click(screen.getAllByRole('button', { name: 'Why?' })[2]!);
    expect(
      screen.getByText(
        /^Secure pickup — recipient needs the passcode you give them by phone or another channel\./,
      ),
    ).toBeTruthy();
  });

  test('a short passcode is refused; a suggested one lets the sender apply, and goes only to the escrow client', async () => {
    const { host, requests } = await renderPickup([
      recipient('a@auth.example', 'authenticated'),
      { ...recipient('b@enc.example', 'encrypted'), signIn: GOOGLE },
      recipient('c@enc.example', 'encrypted'),
    ]);
    fireEvent.change(passcodeInput(), { target: { value: 'short' } });
    expect(screen.getByText(/^Too easy to guess/)).toBeTruthy();
    expect(sendButton().disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Suggest one' }));
    const passcode = passcodeInput().value;
    expect(passcode).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
    expect(sendButton().disabled).toBe(false);
    // With a passcode set, it comes before the mailed code.
    expect(proofOf('a@auth.example')).toBe('your passcode');
    await act(async () => fireEvent.click(sendButton()));
    await screen.findByText(/The message is stored for secure pickup/);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      passcode,
      recipients: [
        { address: 'a@auth.example', proof: 'passcode' },
        { address: 'b@enc.example', proof: 'sign-in' },
        { address: 'c@enc.example', proof: 'passcode' },
      ],
    });
    // Kept nowhere but the pane: not on the draft, not in the page's storage.
    for (const name of ['X-Sendguard-Applied', CLASSIFICATION_HEADER])
      expect((await host.getHeader(name)) ?? '').not.toContain(passcode);
    expect(JSON.stringify({ ...localStorage, ...sessionStorage })).not.toContain(passcode);
    expect((await screen.findByTestId('passcode-applied')).textContent).toBe(passcode);
    expect(screen.getByText(/Note it now: Sendguard does not keep it\./)).toBeTruthy();
  });

  test('recipients who sign in or get a code over verified TLS need no passcode, and none is sent', async () => {
    const { requests } = await renderPickup([
      recipient('a@auth.example', 'authenticated'),
      { ...recipient('b@enc.example', 'encrypted'), signIn: GOOGLE },
    ]);
    expect(screen.getByText(/^Optional: with a passcode/)).toBeTruthy();
    // A passcode too weak to use goes nowhere, so the pane must not ask the sender to tell it.
    fireEvent.change(passcodeInput(), { target: { value: 'short' } });
    expect(sendButton().disabled).toBe(false);
    await act(async () => fireEvent.click(sendButton()));
    await screen.findByText(/The message is stored for secure pickup/);
    expect(screen.queryByTestId('passcode-applied')).toBeNull();
    expect(screen.queryByText(/The passcode for this message is/)).toBeNull();
    expect(requests[0]!.recipients).toEqual([
      { address: 'a@auth.example', proof: 'code' },
      { address: 'b@enc.example', proof: 'sign-in' },
    ]);
    expect(requests[0]).not.toHaveProperty('passcode');
  });
});

describe('the last mile and the reply path', () => {
  const SENDER = 'clerk@example.gov';

  /** A backend that records what each assessment asked, answering `answer` with `replyPath` where a sender asked. */
  function recordingBackend(answer: AssessAnswer, replyPath: AssessAnswer['replyPath']) {
    const asked: { recipients: readonly string[]; sender?: string }[] = [];
    const backend: Backend = {
      ...fakeBackend(answer),
      assess: async (recipients, options = {}) => {
        asked.push({ recipients, ...options });
        return options.sender ? { ...answer, replyPath } : answer;
      },
    };
    return { backend, asked };
  }

  const answer: AssessAnswer = {
    policyVersion: 'v',
    partial: false,
    recipients: [
      {
        ...recipient('b@enc.example', 'encrypted'),
        transport: {
          domain: 'enc.example',
          verdict: 'encrypted',
          reasons: ['enc.example reason'],
          mailboxAccess: {
            verdict: 'tls-offered',
            reasons: ['imap.enc.example:143 accepts a password before STARTTLS'],
          },
        },
      },
      { ...recipient('clerk2@example.gov', 'authenticated'), internal: true, transport: undefined },
    ],
    invalid: [],
  };

  test('an external recipient’s why names how people there reach their mail, in words', async () => {
    const { backend } = recordingBackend(answer, undefined);
    await renderPane(paneHost(['b@enc.example', 'clerk2@example.gov'], 'hi'), backend);
    const [external, internal] = await screen.findAllByRole('button', { name: 'Why?' });
    fireEvent.click(external!);
    fireEvent.click(internal!);
    expect(
      screen.getByText(
        'Mailboxes at enc.example: TLS offered, but plaintext login also accepted — imap.enc.example:143 accepts a password before STARTTLS.',
      ),
    ).toBeTruthy();
    // Once: the internal recipient's mail never leaves the organisation.
    expect(screen.getAllByText(/^Mailboxes at/)).toHaveLength(1);
  });

  test.each([
    [
      'authenticated',
      [],
      "Replies to you come over TLS that senders can verify: example.gov's mail servers are authenticated by DANE or MTA-STS.",
    ],
    [
      'encrypted',
      ['every MX offers TLS 1.2 or later; nothing authenticates it'],
      "Replies to you come encrypted but not authenticated: a sending server cannot tell example.gov's mail servers from an impostor on the way (every MX offers TLS 1.2 or later; nothing authenticates it).",
    ],
    [
      'partial',
      ['mx2.example.gov does not offer STARTTLS'],
      'Replies may arrive unencrypted: mx2.example.gov does not offer STARTTLS; ask the recipient not to put sensitive details in a plain reply.',
    ],
  ] as const)(
    'the reply path, %s: one line for the pane, from the sender’s own address',
    async (verdict, reasons, line) => {
      const { backend, asked } = recordingBackend(answer, {
        domain: 'example.gov',
        verdict,
        reasons: [...reasons],
      });
      const host = {
        ...paneHost(['b@enc.example', 'clerk2@example.gov'], 'hi'),
        getSenderAddress: async () => SENDER,
      };
      await renderPane(host, backend);
      expect(await screen.findByText(line)).toBeTruthy();
      expect(screen.getAllByText(/^Replies /)).toHaveLength(1);
      expect(asked.every((a) => a.sender === SENDER)).toBe(true);
      // The send check asks only about the recipients: the reply path is the pane's.
      asked.length = 0;
      await checkSend(host, backend);
      expect(asked).toEqual([{ recipients: ['b@enc.example', 'clerk2@example.gov'] }]);
    },
  );

  test('no reply path line where the host cannot name the sender', async () => {
    const { backend, asked } = recordingBackend(answer, {
      domain: 'example.gov',
      verdict: 'none',
      reasons: [],
    });
    await renderPane(paneHost(['b@enc.example', 'clerk2@example.gov'], 'hi'), backend);
    expect(await screen.findAllByRole('button', { name: 'Why?' })).toHaveLength(2);
    expect(screen.queryByText(/^Replies /)).toBeNull();
    expect(asked[0]).toEqual({ recipients: ['b@enc.example', 'clerk2@example.gov'], mailboxAccess: true });
  });
});

describe('lists in the pane', () => {
  function hostWithList(lists: MailHost['lists']): MailHost {
    const host = paneHost([], IBAN);
    return {
      ...host,
      getRecipients: async () => ({
        to: [{ address: 'team@example.gov', displayName: 'Team', kind: 'list' }],
        cc: [],
        bcc: [],
      }),
      ...(lists ? { lists } : {}),
    };
  }

  test('a list’s members are the rows, each saying which list brought them', async () => {
    const lists = {
      members: async () => [
        { address: 'a@auth.example', kind: 'user' as const },
        { address: 'b@none.example', kind: 'external' as const },
      ],
    };
    const answer: AssessAnswer = {
      policyVersion: 'v',
      partial: false,
      recipients: [recipient('a@auth.example', 'authenticated'), recipient('b@none.example', 'none')],
      invalid: [],
    };
    await renderPane(hostWithList(lists), fakeBackend(answer));
    expect(
      await screen.findByRole('listitem', { name: /^b@none\.example \(via team@example\.gov\): / }),
    ).toBeTruthy();
    expect(screen.getAllByText('via team@example.gov')).toHaveLength(2);
  });

  test('a list nobody can read: the plan says to expand it or choose the recipients, naming it', async () => {
    const answer: AssessAnswer = {
      policyVersion: 'v',
      partial: false,
      recipients: [recipient('team@example.gov', 'authenticated')],
      invalid: [],
    };
    await renderPane(hostWithList(undefined), fakeBackend(answer));
    expect(
      await screen.findByText(
        /^Expand the list or choose the recipients, then send again: .*Team <team@example\.gov>/,
      ),
    ).toBeTruthy();
  });
});
