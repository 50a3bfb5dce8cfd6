/**
 * @jest-environment jsdom
 */
/**
 * The pane while the service cannot be reached: with verdicts kept from before (signed by the server's own signer),
 * it shows the plan they give and says how old they are; without them, the failure as before.
 */
import { act, render, screen } from '@testing-library/react';
import { randomBytes } from 'node:crypto';
import { createElement } from 'react';
import { BackendError, type AssessAnswer, type Backend } from '../../../src/addin/backend';
import type { MailHost } from '../../../src/addin/host';
import { keepingVerdicts, keptVerdicts } from '../../../src/addin/outage/kept-store';
import { memoryKeptText } from '../../../src/addin/outage/kept-text';
import { Pane } from '../../../src/addin/ui/Pane';
import { verdictKeyOf } from '../../../src/server/verdicts/key';
import { verdictSigner } from '../../../src/server/verdicts/signer';
import { assessedRecipient } from '../../helpers/assess-answer';
import { ManualClock } from '../../helpers/clock';
import { defaultPolicy } from '../../helpers/policy';
import { paneHost } from '../pane-host';

// jsdom has no ResizeObserver; Fluent's MessageBar only needs it to reflow.
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};
globalThis.structuredClone ??= <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const DEPLOYMENT = 'https://sg.example';
const IBAN = 'IBAN DE89 3704 0044 0532 0130 00';

const hostFor = (to: string[]) => paneHost(to, IBAN);

/** A signing service whose answers `backend` keeps, until `down()`; the pane's clock is `clock`. */
function service() {
  const key = verdictKeyOf(randomBytes(32));
  const clock = new ManualClock();
  const signer = verdictSigner({ key, deployment: DEPLOYMENT, clock });
  let up = true;
  const answerFor = (inputs: readonly string[]): AssessAnswer => {
    const recipients = inputs.map((input) => assessedRecipient(input, 'encrypted'));
    return {
      policyVersion: 'v',
      partial: false,
      recipients,
      invalid: [],
      signed: signer.recipients(recipients, 'v'),
    };
  };
  const unreachable = () => new BackendError('BACKEND_UNREACHABLE', 'connection refused');
  const raw: Backend = {
    async policy() {
      if (!up) throw unreachable();
      const answer = { version: 'v', policy: defaultPolicy() };
      return { ...answer, signed: signer.policy(answer) };
    },
    async assess(inputs) {
      if (!up) throw unreachable();
      return answerFor(inputs);
    },
    acceptKey: () => Promise.reject(new Error('not here')),
  };
  const kept = keptVerdicts(memoryKeptText());
  const trust = { publicKey: key.publicKey, deployment: DEPLOYMENT };
  const backend = keepingVerdicts(raw, { kept, trust, now: () => clock.now() });
  return { backend, clock, down: () => (up = false) };
}

async function renderPane(host: MailHost, backend: Backend) {
  await act(async () => {
    render(createElement(Pane, { host, backend, backendUrl: DEPLOYMENT, randomHex: () => 'aa' }));
  });
}

test('kept verdicts: the plan they give, and how old they are', async () => {
  const sg = service();
  await renderPane(hostFor(['a@enc.example']), sg.backend);
  expect(await screen.findByText('Forced TLS · encrypted only')).toBeTruthy();
  sg.down();
  sg.clock.advance(2 * 3_600_000);
  document.body.innerHTML = '';
  await renderPane(hostFor(['a@enc.example']), sg.backend);
  expect(
    await screen.findByText(
      /Decided from verdicts of 2 hours ago: the Sendguard service could not be reached/,
    ),
  ).toBeTruthy();
  expect(screen.getByRole('button', { name: 'Add the forced-TLS tag' })).toBeTruthy();
});

test('a recipient with no kept verdict: the failure, no plan', async () => {
  const sg = service();
  await renderPane(hostFor(['a@enc.example']), sg.backend);
  await screen.findByText('Forced TLS · encrypted only');
  sg.down();
  document.body.innerHTML = '';
  await renderPane(hostFor(['a@enc.example', 'b@enc.example']), sg.backend);
  expect((await screen.findByRole('alert')).textContent).toContain('could not be reached');
  expect(screen.queryByRole('button', { name: /forced-TLS|OpenPGP|pickup/ })).toBeNull();
});
