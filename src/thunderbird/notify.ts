/** A desktop notification from Sendguard; a later one with the same id replaces the earlier. */
import type { HostNotice } from '../addin/host';
import type { Messenger } from './messenger';

export const ICON = 'icons/icon-64.png';

export async function notify(api: Messenger, notice: HostNotice): Promise<void> {
  await api.notifications.create(notice.id, {
    type: 'basic',
    title: 'Sendguard',
    message: notice.text,
    iconUrl: api.runtime.getURL(ICON),
  });
}
