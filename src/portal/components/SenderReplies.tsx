/** The sender's view through their own link: the replies recipients sent, decrypted here. */
import { Divider, Spinner, Text } from '@fluentui/react-components';
import { useEffect, useMemo, useState } from 'react';
import type { PickupLink } from '../../core/escrow/link';
import { messageOf } from '../../core/errors';
import { SenderClient, type ReadReply } from '../pickup-client';
import { AttachmentList } from './AttachmentList';
import { ErrorBar } from './ErrorBar';
import { Page } from './Page';

export function SenderReplies({ link, apiBase }: { link: PickupLink; apiBase: string }) {
  const client = useMemo(
    () => new SenderClient(link, { apiBase, fetch: window.fetch.bind(window) }),
    [link, apiBase],
  );
  const [replies, setReplies] = useState<ReadReply[]>();
  const [error, setError] = useState('');
  useEffect(() => {
    client.replies().then(setReplies, (e: unknown) => setError(messageOf(e)));
  }, [client]);
  return (
    <Page title="Replies to your secure message">
      {!replies && !error && <Spinner label="Decrypting replies" />}
      <ErrorBar message={error} />
      {replies?.length === 0 && <Text>No replies yet.</Text>}
      {replies?.map((reply, i) => (
        <section key={i} data-testid="reply">
          <Text weight="semibold" block>
            From {reply.from}, {new Date(reply.at).toLocaleString()}
          </Text>
          <Text block style={{ whiteSpace: 'pre-wrap', margin: '8px 0' }} data-testid="reply-body">
            {reply.text}
          </Text>
          <AttachmentList
            attachments={reply.attachments}
            fetchBlob={async (index) => reply.attachments[index]!.blob}
          />
          <Divider />
        </section>
      ))}
    </Page>
  );
}
