/// <reference types="office-js" />
/**
 * Where Outlook keeps the sender's links to their secure messages, and how it opens one: the add-in's roaming
 * settings, which Exchange stores in the sender's own mailbox (so the list works on every device they use
 * Outlook on, and the Sendguard service never sees a sender secret), and the system browser.
 *
 * Outlook sends no mail for an add-in without permissions this one does not ask for, so there is no
 * `putInOwnMailbox` here: the pane offers "Mail me my copy", a new message to the sender with the copy in it.
 * Roaming settings are loaded when the add-in starts and saved whole: a link kept on another device meanwhile
 * is overwritten by this one's save (its copy of the notice still has it).
 */
import type { MailHost } from '../addin/host';
import { senderLinkStore, type SettingSlot } from '../addin/sent/link-store';
import { officeAsync } from './office-async';

const SETTING = 'senderLinks';

/** Roaming settings hold 32 KB for the whole add-in: the links take at most this, leaving room for others. */
const SENDER_LINKS_BUDGET = 30 * 1024;

function roamingSlot(settings: Office.RoamingSettings): SettingSlot {
  return {
    read: async () => settings.get(SETTING) as unknown,
    async write(value) {
      settings.set(SETTING, value);
      await officeAsync<void>('saving your link in your mailbox', (cb) => settings.saveAsync(cb));
    },
  };
}

export function officeSenderLinks(office: typeof Office): Pick<MailHost, 'senderLinks' | 'openInBrowser'> {
  const settings = office.context.roamingSettings as Office.RoamingSettings | undefined;
  return {
    ...(settings
      ? { senderLinks: senderLinkStore(roamingSlot(settings), { budget: SENDER_LINKS_BUDGET }) }
      : {}),
    // OpenBrowserWindowApi 1.1; where it is missing, the pane links to the page instead.
    ...(office.context.requirements?.isSetSupported('OpenBrowserWindowApi', '1.1')
      ? { openInBrowser: async (url: string) => office.context.ui.openBrowserWindow(url) }
      : {}),
  };
}
