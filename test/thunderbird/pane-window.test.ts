/**
 * The compose button's popup hands a split over to a window of its own (src/thunderbird/pane-window.ts): the
 * popup closes when a new compose window takes focus, the window does not.
 */
import { createComposeHost } from '../../src/thunderbird/compose-host';
import { PANE_TAB_PARAM, reopenInWindow } from '../../src/thunderbird/pane-window';
import { fakeMessenger } from './fake-messenger';

test('opens the pane page for this compose tab in a popup window, then closes the button’s popup', async () => {
  const tb = fakeMessenger();
  const tabId = tb.openCompose({ to: ['bob@partner.example'] }).id!;
  const closed: string[] = [];
  await reopenInWindow(tb.api, tabId, () => closed.push('popup'));
  expect(tb.windowsCreated).toEqual([
    {
      type: 'popup',
      url: `moz-extension://fake-uuid/popup.html?${PANE_TAB_PARAM}=${tabId}`,
      width: 480,
      height: 800,
    },
  ]);
  expect(closed).toEqual(['popup']);
  // The page the window shows reads its tab from the URL: a host over it reaches the same message.
  const url = new URL(tb.windowsCreated[0]!.url!);
  const named = Number(url.searchParams.get(PANE_TAB_PARAM));
  const host = createComposeHost(tb.api, named, () => false);
  expect((await host.getRecipients()).to.map((r) => r.address)).toEqual(['bob@partner.example']);
});

test('a window Thunderbird refuses to open leaves the popup open and says so', async () => {
  const tb = fakeMessenger();
  const tabId = tb.openCompose({}).id!;
  tb.api.windows.create = () => Promise.reject(new Error('Illegal URL: popup.html'));
  const closed: string[] = [];
  await expect(reopenInWindow(tb.api, tabId, () => closed.push('popup'))).rejects.toThrow(/Illegal URL/);
  expect(closed).toEqual([]);
});
