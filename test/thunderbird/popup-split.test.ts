/**
 * The shared pane over a Thunderbird compose tab when a split is the plan. In the compose button's popup (whose
 * host can reopen the pane in a window of its own) the split button opens that window and splits nothing: a new
 * compose window taking focus would close the popup half-way through. In that window the split runs as usual.
 */
import { A, B, splitBackend, splitPolicy } from '../addin/split-fakes';
// After openpgp (loaded by the fakes), before React: see the helper.
import '../helpers/jsdom-beside-node';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createElement } from 'react';
import type { MailHost } from '../../src/addin/host';
import { Pane } from '../../src/addin/ui/Pane';
import { createComposeHost } from '../../src/thunderbird/compose-host';
import { reopenInWindow } from '../../src/thunderbird/pane-window';
import { fakeMessenger, type FakeMessenger } from './fake-messenger';

// Fluent asks the window for it; the helper gives Node's global one.
Object.assign(window, { ResizeObserver: (globalThis as { ResizeObserver?: unknown }).ResizeObserver });

/** A compose tab to a forced-TLS recipient and an OpenPGP one, and the pane over it. */
async function paneOver(
  inButtonPopup: boolean,
): Promise<{ tb: FakeMessenger; tabId: number; closed: string[] }> {
  const tb = fakeMessenger();
  const tabId = tb.openCompose({ to: [A, B], subject: 'Contract', body: '<p>Attached.</p>' }).id!;
  const closed: string[] = [];
  const host: MailHost = {
    ...createComposeHost(tb.api, tabId, () => false),
    ...(inButtonPopup
      ? { reopenInWindow: () => reopenInWindow(tb.api, tabId, () => closed.push('popup')) }
      : {}),
  };
  await act(async () => {
    render(
      createElement(Pane, {
        host,
        backend: splitBackend(splitPolicy()),
        backendUrl: 'https://sg.example',
        randomHex: () => 'aa',
      }),
    );
  });
  await screen.findByTestId('plan-summary');
  return { tb, tabId, closed };
}

afterEach(() => document.body.replaceChildren());

test('in the button’s popup the split button opens the pane in a Sendguard window and splits nothing there', async () => {
  const { tb, tabId, closed } = await paneOver(true);
  expect(screen.queryByRole('button', { name: 'Split into 2 messages' })).toBeNull();
  const button = await screen.findByRole('button', { name: 'Split in a Sendguard window' });
  await act(async () => fireEvent.click(button));
  await waitFor(() => expect(closed).toEqual(['popup']));
  expect(tb.windowsCreated.map((w) => w.url)).toEqual([
    `moz-extension://fake-uuid/popup.html?tabId=${tabId}`,
  ]);
  expect(tb.composeTabs.size).toBe(1);
  expect(tb.composeTabs.get(tabId)!.details.to).toEqual([A, B]);
});

test('in its own window the pane splits: the new message opens and the original keeps its first group', async () => {
  const { tb, tabId } = await paneOver(false);
  const button = await screen.findByRole('button', { name: 'Split into 2 messages' });
  await act(async () => fireEvent.click(button));
  await screen.findByRole('button', { name: /Protect and send all/ });
  expect(tb.windowsCreated).toEqual([]);
  expect(tb.composeTabs.get(tabId)!.details.to).toEqual([A]);
  expect([...tb.composeTabs.values()].map((t) => t.details.to)).toEqual([[A], [B]]);
});
