/**
 * `ReadHost` over `messenger.*` for the message shown in a tab: its raw source from `messages.getRaw`, of which
 * only the first MAX_HEADER_CHARS are read (the header block is all the report needs; the body may be megabytes).
 */
import type { HostTheme, ReadHost } from '../addin/host';
import { MAX_HEADER_CHARS } from '../core/received/header-block';
import type { Messenger } from './messenger';

export function createMessageReadHost(api: Messenger, tabId: number, dark: () => boolean): ReadHost {
  return {
    async getAllHeaders() {
      const message = await api.messageDisplay.getDisplayedMessage(tabId);
      if (!message) throw new Error('no single message is shown in this tab');
      const file = await api.messages.getRaw(message.id, { data_format: 'File' });
      // One more character than the parser reads, so that it can tell a header block it had to cut.
      return file.slice(0, MAX_HEADER_CHARS + 1).text();
    },
    theme: (): HostTheme => (dark() ? 'dark' : 'light'),
  };
}
