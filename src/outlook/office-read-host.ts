/// <reference types="office-js" />
/**
 * `ReadHost` over Office.js for a received message: its header block from `getAllInternetHeadersAsync`
 * (Mailbox 1.8). The Office namespace is passed in, as for the compose adapter.
 */
import type { ReadHost } from '../addin/host';
import { SendguardError } from '../core/errors';
import { themeOf } from './office-host';
import { officeAsync } from './office-async';

export function createOfficeReadHost(office: typeof Office): ReadHost {
  return {
    getAllHeaders() {
      // Looked up at each call rather than captured: Outlook gives a different item object per message.
      const item = office.context.mailbox.item as Office.MessageRead | null;
      if (!item?.getAllInternetHeadersAsync)
        return Promise.reject(
          new SendguardError(
            'OFFICE_NO_HEADERS',
            'this version of Outlook cannot give add-ins the message headers',
          ),
        );
      return officeAsync<string>('reading the message headers', (cb) => item.getAllInternetHeadersAsync(cb));
    },
    theme: () => themeOf(office),
  };
}
