/**
 * The pane in a window of its own. The compose button's popup closes as soon as another window takes focus (as
 * every extension popup in Thunderbird and Firefox does), and a split opens its new messages in new, focused
 * compose windows: a split or a send-all started in the popup would die after the first new message opened,
 * before the original's moved recipients were removed. The popup therefore hands a split over to this window,
 * which stays open while compose windows come and go.
 */
import type { Messenger } from './messenger';

/** The pane page's query parameter naming the compose tab it works on, when it is not the button's popup. */
export const PANE_TAB_PARAM = 'tabId';

/** Wide enough for the pane's 420 px page and the window frame; tall enough for a split's groups. */
const SIZE = { width: 480, height: 800 };

/**
 * Opens the pane for compose tab `tabId` in its own window, then closes the popup (`closePopup`). The popup
 * usually goes by itself as soon as the new window takes focus, before `create` answers; closing it afterwards
 * covers a desktop where it stays.
 */
export async function reopenInWindow(api: Messenger, tabId: number, closePopup: () => void): Promise<void> {
  await api.windows.create({
    type: 'popup',
    url: api.runtime.getURL(`popup.html?${PANE_TAB_PARAM}=${tabId}`),
    ...SIZE,
  });
  closePopup();
}
