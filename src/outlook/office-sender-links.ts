/// <reference types="office-js" />
/**
 * Where Outlook keeps the sender's links to their secure messages, and how it opens one: the add-in's roaming
 * settings, which Exchange stores in the sender's own mailbox (so the list works on every device they use
 * Outlook on, and the Sendguard service never sees a sender secret), and the system browser.
 *
 * Outlook sends no mail for an add-in without permissions this one does not ask for, so there is no
 * `putInOwnMailbox` here: the pane offers "Mail me my copy", a new message to the sender with the copy in it.
 * Roaming settings are loaded when the add-in starts and saved whole, and Office.js cannot load them again: each
 * compose window's pane holds its own snapshot, so the last window to save would overwrite the links the others
 * kept. Every window on this computer therefore also writes the links to the page's local storage, and merges what
 * is there into its snapshot before saving. A link kept on another computer meanwhile can still be overwritten
 * there; it is never dropped here without a copy (link-store.ts), and the list warns while it has none.
 */
import type { MailHost } from '../addin/host';
import { senderLinkStore, type SettingSlot } from '../addin/sent/link-store';
import { officeAsync } from './office-async';

const SETTING = 'senderLinks';
/** The same links in the page's local storage, the merge source of the compose windows on this computer. */
const SHARED_KEY = 'sendguard.senderLinks';

/** Roaming settings hold 32 KB for the whole add-in: the links take at most this, leaving room for others. */
const SENDER_LINKS_BUDGET = 30 * 1024;

/** The page's local storage, shared by the panes of every compose window on this computer; absent in tests. */
type SharedStorage = Pick<Storage, 'getItem' | 'setItem'>;

function pageStorage(): SharedStorage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined; // storage refused (a browser's privacy setting): this window's snapshot only
  }
}

type Entries = Record<string, unknown>;
const entriesOf = (value: unknown): Entries =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Entries) : {};

function sharedEntries(shared: SharedStorage | undefined): Entries {
  try {
    return entriesOf(JSON.parse(shared?.getItem(SHARED_KEY) ?? '{}'));
  } catch {
    return {};
  }
}

/** The links are pruned by the store (link-store.ts): anything it wrote last wins over what the others wrote. */
function roamingSlot(settings: Office.RoamingSettings, shared: SharedStorage | undefined): SettingSlot {
  return {
    read: async () => ({ ...entriesOf(settings.get(SETTING)), ...sharedEntries(shared) }),
    async write(value) {
      settings.set(SETTING, value);
      await officeAsync<void>('saving your link in your mailbox', (cb) => settings.saveAsync(cb));
      try {
        shared?.setItem(SHARED_KEY, JSON.stringify(value));
      } catch {
        // A full or refused local storage leaves the roaming settings, which were saved.
      }
    },
  };
}

export function officeSenderLinks(
  office: typeof Office,
  shared: SharedStorage | undefined = pageStorage(),
): Pick<MailHost, 'senderLinks' | 'openInBrowser'> {
  const settings = office.context.roamingSettings as Office.RoamingSettings | undefined;
  return {
    ...(settings
      ? { senderLinks: senderLinkStore(roamingSlot(settings, shared), { budget: SENDER_LINKS_BUDGET }) }
      : {}),
    // OpenBrowserWindowApi 1.1; where it is missing, the pane links to the page instead.
    ...(office.context.requirements?.isSetSupported('OpenBrowserWindowApi', '1.1')
      ? { openInBrowser: async (url: string) => office.context.ui.openBrowserWindow(url) }
      : {}),
  };
}
