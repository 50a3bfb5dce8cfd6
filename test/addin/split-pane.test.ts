/**
 * The pane before and after a split (issue 22): the groups with their recipients and protection under the plan,
 * what this host could not carry or a message over its size limit instead of the split button, and where the host
 * can send what it opened, one button that protects and sends every message, the original last.
 */
import {
  A,
  B,
  C,
  EVERYTHING,
  fakeHost,
  recipientKeys,
  splitBackend,
  splitPolicy,
  wholeMessage,
  type FakeOptions,
} from './split-fakes';
// After openpgp (loaded by the fakes), before React: see the helper.
import '../helpers/jsdom-beside-node';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { createElement } from 'react';
import type { MailHost } from '../../src/addin/host';
import { problemsBefore } from '../../src/addin/split/check';
import { Pane } from '../../src/addin/ui/Pane';
import type { Policy } from '../../src/core/policy/schema';

// Counted: the pane works out what stands before the split once per message and plan, not on every render.
jest.mock('../../src/addin/split/check', () => {
  const actual = jest.requireActual<typeof import('../../src/addin/split/check')>(
    '../../src/addin/split/check',
  );
  return { ...actual, problemsBefore: jest.fn(actual.problemsBefore) };
});

// Fluent asks the window for it; the helper gives Node's global one.
Object.assign(window, { ResizeObserver: (globalThis as { ResizeObserver?: unknown }).ResizeObserver });

let keys: Awaited<ReturnType<typeof recipientKeys>>;
beforeAll(async () => {
  keys = await recipientKeys();
});

async function renderSplit(
  options: FakeOptions,
  item = wholeMessage({ to: [{ address: A }, { address: B }], cc: [{ address: C }] }),
  policy: Policy = splitPolicy(),
  hostOf: (host: MailHost) => MailHost = (host) => host,
) {
  const fake = fakeHost(item, options);
  const props = {
    host: hostOf(fake.host),
    backend: splitBackend(policy, keys.publicKeys),
    backendUrl: 'https://sg.example',
    randomHex: () => 'aa',
  };
  let rendered: ReturnType<typeof render> | undefined;
  await act(async () => {
    rendered = render(createElement(Pane, props));
  });
  await screen.findByTestId('plan-summary');
  /** Renders the pane again with the same props, as React does when a parent renders. */
  const rerender = () => act(async () => rendered!.rerender(createElement(Pane, { ...props })));
  return { ...fake, rerender };
}

const splitButton = () => screen.queryByRole('button', { name: 'Split into 2 messages' });

test('the groups before anything happens: which message, its protection, its recipients by field', async () => {
  await renderSplit({});
  const groups = screen.getByRole('region', { name: 'The messages after the split' });
  const items = [...groups.querySelectorAll('li')].map((li) => li.getAttribute('aria-label'));
  expect(items).toEqual([
    `This message, Forced TLS: To: ${A}`,
    `New message 1, OpenPGP: To: ${B} · Cc: ${C}`,
  ]);
  expect(splitButton()).toBeTruthy();
});

test('what this host cannot carry replaces the split button, naming the image, the recipients and the host’s limit', async () => {
  const limit = 'This version of Outlook cannot add inline images to a new message.';
  await renderSplit({ carries: { ...EVERYTHING, inlineImages: false, limit } });
  const problems = await screen.findByTestId('plan-problems');
  expect(problems.textContent).toContain(
    `Split here, the image in the body “logo.png” would be missing for ${B} and ${C} (OpenPGP). ${limit}`,
  );
  expect(splitButton()).toBeNull();
});

test('the classification the sender chooses, where the host cannot carry it, replaces the split button at once', async () => {
  const fake = await renderSplit(
    { carries: { ...EVERYTHING, classification: false } },
    undefined,
    splitPolicy({ defaultClassification: 'normal' }),
  );
  // Normal needs nothing: one plain message, no split yet.
  expect(screen.getByTestId('plan-summary').textContent).not.toContain('split');
  await act(async () =>
    fireEvent.change(screen.getByLabelText('Classification'), { target: { value: 'confidential' } }),
  );
  expect(fake.item.headers['X-Sendguard-Classification']).toBe('confidential');
  expect((await screen.findByTestId('plan-problems')).textContent).toContain(
    `Split here, the classification you chose, confidential would be missing for ${B} and ${C} (OpenPGP).`,
  );
  expect(splitButton()).toBeNull();
});

test('where the host cannot read importance or reply-to nor carry them, its limit is a note under the groups and the split stays', async () => {
  const limit = 'Outlook cannot read or set importance or reply-to from an add-in.';
  const carries = { ...EVERYTHING, importance: false, replyTo: false, limit };
  await renderSplit(
    { carries },
    undefined,
    undefined,
    ({ getImportance: _i, getReplyTo: _r, ...host }) => host,
  );
  const groups = screen.getByRole('region', { name: 'The messages after the split' });
  expect(within(groups).getByRole('note').textContent).toBe(
    `If you set an importance or a reply-to address on this message, set it again in each new message: they open without it. ${limit}`,
  );
  expect(splitButton()).toBeTruthy();
  expect(screen.queryByTestId('plan-problems')).toBeNull();
});

test('what stands before the split is worked out once for the message, not again on every render', async () => {
  const checks = jest.mocked(problemsBefore);
  checks.mockClear();
  const { rerender } = await renderSplit({});
  const calls = checks.mock.calls.length;
  expect(calls).toBeGreaterThan(0);
  for (let i = 0; i < 3; i++) await rerender();
  expect(checks.mock.calls.length).toBe(calls);
});

test('a message over the size limit is named, and the split is not offered', async () => {
  // OpenPGP encrypts the text body, not the HTML: a large HTML body weighs on forced TLS only.
  const item = wholeMessage({ to: [{ address: A }, { address: B }] }, { pdf: 10_000, image: 20_000 });
  item.html = `<p>${'x'.repeat(780 * 1024)}</p>`;
  await renderSplit({}, item, splitPolicy({ limits: { messageBytes: 1024 * 1024 } }));
  expect((await screen.findByTestId('plan-problems')).textContent).toBe(
    `The message for ${A} (forced TLS) would be about 1.1 MB; your organisation sends at most 1 MB.`,
  );
  expect(splitButton()).toBeNull();
});

test('split, then protect and send all: the new message first, this one last', async () => {
  const { log, opened } = await renderSplit({ canSend: true });
  await act(async () => fireEvent.click(splitButton()!));
  await screen.findByText(/The other groups are open in new messages/);
  expect(opened[0]!.asked.attachments).toHaveLength(3);
  const sendAllButton = await screen.findByRole('button', { name: 'Protect and send all 2 messages' });
  await act(async () => fireEvent.click(sendAllButton));
  await screen.findByText('All 2 messages were protected and sent.');
  expect(log).toEqual([
    `opened ${B}`,
    `sent ${B}: Contract for March`,
    `sent ${A}: #secure# Contract for March`,
  ]);
  const steps = screen.getByRole('list', { name: 'Sending' });
  expect(steps.textContent).toBe(`${B} and ${C} (OpenPGP): sent${A} (forced TLS): sent`);
});

test('where the host cannot send what it opened, the pane says each new message passes the send check on its own', async () => {
  await renderSplit({});
  await act(async () => fireEvent.click(splitButton()!));
  expect((await screen.findByText(/The other groups are open in new messages/)).textContent).toContain(
    'Each passes the send check on its own when it is sent.',
  );
  expect(screen.queryByRole('button', { name: /Protect and send all/ })).toBeNull();
});
