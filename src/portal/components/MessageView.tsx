/** The opened message: subject and sender as text, the body in a sandbox, attachments, and the reply form. */
import { Divider, Text, Title3 } from '@fluentui/react-components';
import { senderLabel } from '../../core/escrow/sender-label';
import type { PickupInfo } from '../../core/escrow/wire';
import type { OpenedMessage, PickupClient } from '../pickup-client';
import { AttachmentList } from './AttachmentList';
import { BodyFrame } from './BodyFrame';
import { Page } from './Page';
import { ReplyForm } from './ReplyForm';

export function MessageView({
  client,
  opened,
  info,
}: {
  client: PickupClient;
  opened: OpenedMessage;
  info: PickupInfo;
}) {
  const { manifest } = opened;
  const from = senderLabel(info.senderName, info.senderAddress);
  return (
    <Page title="Secure message">
      <div>
        <Title3 as="h2" data-testid="subject">
          {manifest.subject || '(no subject)'}
        </Title3>
        <Text block>From: {from}</Text>
        <Text block>To: {opened.address}</Text>
      </div>
      <BodyFrame html={manifest.html} text={manifest.text} />
      <AttachmentList attachments={manifest.attachments} fetchBlob={(i) => client.attachment(i)} />
      <Divider />
      <ReplyForm
        repliesLeft={opened.repliesLeft}
        send={(text, files, onProgress) => client.reply(text, files, onProgress)}
      />
    </Page>
  );
}
