/** A decrypted message as either link shows it: subject and header lines as text, body in a sandbox, attachments. */
import { Text, Title3 } from '@fluentui/react-components';
import type { MessageManifest } from '../../core/escrow/wire';
import { AttachmentList } from './AttachmentList';
import { BodyFrame } from './BodyFrame';

export function MessageContent({
  manifest,
  headerLines,
  fetchAttachment,
}: {
  manifest: MessageManifest;
  /** "From: …", "To: …": whatever this view knows of the message's people. */
  headerLines: string[];
  fetchAttachment: (index: number) => Promise<Blob>;
}) {
  return (
    <>
      <div>
        <Title3 as="h2" data-testid="subject">
          {manifest.subject || '(no subject)'}
        </Title3>
        {headerLines.map((line) => (
          <Text block key={line}>
            {line}
          </Text>
        ))}
      </div>
      <BodyFrame html={manifest.html} text={manifest.text} />
      <AttachmentList attachments={manifest.attachments} fetchBlob={fetchAttachment} />
    </>
  );
}
