/** The opened message for a recipient: the message itself, and the reply form. */
import { Divider } from '@fluentui/react-components';
import { senderLabel } from '../../core/escrow/sender-label';
import type { PickupInfo } from '../../core/escrow/wire';
import type { OpenedMessage, PickupClient } from '../pickup-client';
import { MessageContent } from './MessageContent';
import { Page } from './Page';
import { RepliesNotPossible, ReplyForm } from './ReplyForm';

export function MessageView({
  client,
  opened,
  info,
}: {
  client: PickupClient;
  opened: OpenedMessage;
  info: PickupInfo;
}) {
  const from = senderLabel(info.senderName, info.senderAddress);
  return (
    <Page title="Secure message">
      <MessageContent
        manifest={opened.manifest}
        headerLines={[`From: ${from}`, `To: ${opened.address}`]}
        fetchAttachment={(i) => client.attachment(i)}
      />
      <Divider />
      {opened.replyRefusal ? (
        <RepliesNotPossible refusal={opened.replyRefusal} />
      ) : (
        <ReplyForm
          repliesLeft={opened.repliesLeft}
          send={(text, files, onProgress) => client.reply(text, files, onProgress)}
        />
      )}
    </Page>
  );
}
