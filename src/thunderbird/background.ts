/**
 * The event page. Listeners are added synchronously at top level, before anything is awaited: when Thunderbird
 * wakes a suspended event page for a Send, only listeners added during the page's first run receive the event,
 * and a Send that finds no listener goes out unchecked. This file holds no state; see before-send.ts.
 */
import { recordFailure } from '../addin/failure-log';
import { beforeSend, tabOfNotice } from './before-send';
import { messengerGlobal } from './messenger';

const api = messengerGlobal();

api.compose.onBeforeSend.addListener((tab, details) => beforeSend({ api }, tab, details));

// Clicking the notification of a stopped message opens the pane in that message's window, where Thunderbird allows it.
api.notifications.onClicked.addListener((id) => {
  const tabId = tabOfNotice(id);
  if (tabId === undefined) return;
  api.tabs
    .get(tabId)
    .then((tab) => api.composeAction.openPopup(tab.windowId !== undefined ? { windowId: tab.windowId } : {}))
    .catch((error: unknown) => recordFailure('opening Sendguard from the notification', error));
});
