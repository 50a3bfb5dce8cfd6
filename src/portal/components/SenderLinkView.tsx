/**
 * The sender's view through their own link: the message they sent, decrypted with their copy of its key, and the
 * replies recipients sent. A reply whose tag does not verify is said to be untrustworthy and is not opened.
 */
import { Divider, MessageBar, MessageBarBody, Spinner, Text, Title3 } from '@fluentui/react-components';
import { useEffect, useMemo, useState } from 'react';
import type { PickupLink } from '../../core/escrow/link';
import { messageOf } from '../../core/errors';
import { SenderClient, type ReadReply, type SenderReading, type UnverifiedReply } from '../pickup-client';
import { AttachmentList } from './AttachmentList';
import { ErrorBar } from './ErrorBar';
import { MessageContent } from './MessageContent';
import { Page } from './Page';

const when = (iso: string) => new Date(iso).toLocaleString();

function VerifiedReply({ reply }: { reply: ReadReply }) {
  return (
    <section data-testid="reply">
      <Text weight="semibold" block>
        From {reply.from}, {when(reply.at)}
      </Text>
      <Text block style={{ whiteSpace: 'pre-wrap', margin: '8px 0' }} data-testid="reply-body">
        {reply.text}
      </Text>
      <AttachmentList
        attachments={reply.attachments}
        fetchBlob={async (index) => reply.attachments[index]!.blob}
      />
    </section>
  );
}

function ForgedReply({ reply }: { reply: UnverifiedReply }) {
  return (
    <MessageBar intent="error" data-testid="reply-unverified">
      <MessageBarBody>
        A reply said to be from {reply.from} ({when(reply.at)}) could not be verified — it may have been made
        by someone with access to the server; do not trust it. It was not opened.
      </MessageBarBody>
    </MessageBar>
  );
}

function Replies({ replies }: { replies: SenderReading['replies'] }) {
  if (replies.length === 0) return <Text>No replies yet.</Text>;
  return (
    <>
      {replies.map((reply, i) => (
        <div key={i}>
          {reply.verified ? <VerifiedReply reply={reply} /> : <ForgedReply reply={reply} />}
          <Divider />
        </div>
      ))}
    </>
  );
}

export function SenderLinkView({ link, apiBase }: { link: PickupLink; apiBase: string }) {
  const client = useMemo(
    () => new SenderClient(link, { apiBase, fetch: window.fetch.bind(window) }),
    [link, apiBase],
  );
  const [reading, setReading] = useState<SenderReading>();
  const [error, setError] = useState('');
  useEffect(() => {
    client.read().then(setReading, (e: unknown) => setError(messageOf(e)));
  }, [client]);
  return (
    <Page title="Your secure message">
      {!reading && !error && <Spinner label="Decrypting your message and its replies" />}
      <ErrorBar message={error} />
      {reading && (
        <>
          <MessageContent manifest={reading.manifest} headerLines={[]} fetchAttachment={reading.attachment} />
          <Divider />
          <Title3 as="h2">Replies</Title3>
          <Replies replies={reading.replies} />
        </>
      )}
    </Page>
  );
}
