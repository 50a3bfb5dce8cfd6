/** Chooses the view from the link: the recipient's pickup, the sender's message and replies, or an explanation. */
import { MessageBar, MessageBarBody } from '@fluentui/react-components';
import { useMemo } from 'react';
import { readLink } from '../pickup-client';
import { Page } from './Page';
import { RecipientFlow } from './RecipientFlow';
import { SenderLinkView } from './SenderLinkView';

export function App({ fragment, apiBase }: { fragment: string; apiBase: string }) {
  const link = useMemo(() => readLink(fragment), [fragment]);
  if (!link) {
    return (
      <Page title="This link is incomplete">
        <MessageBar intent="warning">
          <MessageBarBody>
            The part of the link after the # is missing or damaged. Open the link directly from the email you
            received; if you copied it, copy the whole address.
          </MessageBarBody>
        </MessageBar>
      </Page>
    );
  }
  return link.role === 'sender' ? (
    <SenderLinkView link={link} apiBase={apiBase} />
  ) : (
    <RecipientFlow link={link} apiBase={apiBase} />
  );
}
