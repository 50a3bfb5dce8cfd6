/** A secure reply: text and files, encrypted in this browser to the sender before anything is uploaded. */
import {
  Button,
  Field,
  MessageBar,
  MessageBarBody,
  ProgressBar,
  Text,
  Textarea,
} from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import type { AttachmentInput } from '../../core/escrow/package';
import { messageOf } from '../../core/errors';
import type { ReplyRefusal } from '../pickup-client';

/** Why no reply can be sent, in words: the reader may have to tell the sender some other way. */
const REFUSAL_TEXT: Record<ReplyRefusal, string> = {
  'no-reply-key':
    'Replies are not possible for this message: it was sent before secure replies were tied to the ' +
    'encrypted message, so this page cannot make sure a reply would reach only the sender. Reply to the ' +
    'sender another way.',
  'reply-key-mismatch':
    'Replies are not possible for this message: the server offered a different key for replies than the one ' +
    'the sender put into the encrypted message, so a reply might be read by someone other than the sender. ' +
    'Nothing was sent. Tell the sender another way, for example by phone; someone may have tampered with ' +
    'the server.',
};

/** Said where the reply form would be, when the message takes no reply. */
export function RepliesNotPossible({ refusal }: { refusal: ReplyRefusal }) {
  return (
    <MessageBar intent="warning" data-testid="replies-not-possible">
      <MessageBarBody>{REFUSAL_TEXT[refusal]}</MessageBarBody>
    </MessageBar>
  );
}

type SendReply = (
  text: string,
  files: AttachmentInput[],
  onProgress: (sent: number, total: number) => void,
) => Promise<void>;

/** The reply being written and the sending of it: progress, the outcome, and the replies left. */
function useReply(repliesLeft: number, send: SendReply) {
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<number>();
  const [left, setLeft] = useState(repliesLeft);
  const [result, setResult] = useState<{ ok: boolean; message: string }>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setResult(undefined);
    setProgress(0);
    try {
      await send(
        text,
        files.map((f) => ({ name: f.name, type: f.type, data: f })),
        (sent, total) => setProgress(sent / total),
      );
      setResult({ ok: true, message: 'Your reply was encrypted and sent. Only the sender can read it.' });
      setText('');
      setFiles([]);
      setLeft(left - 1);
    } catch (e) {
      setResult({ ok: false, message: `Your reply was not sent: ${messageOf(e)}` });
    } finally {
      setProgress(undefined);
    }
  };
  return { text, setText, setFiles, progress, left, result, submit };
}

export function ReplyForm({ repliesLeft, send }: { repliesLeft: number; send: SendReply }) {
  const { text, setText, setFiles, progress, left, result, submit } = useReply(repliesLeft, send);
  if (left <= 0 && !result)
    return <Text>You have used all replies to this message. Reply by ordinary email if you need to.</Text>;
  return (
    <form onSubmit={(e) => void submit(e)}>
      <Field
        label="Reply securely"
        hint={`Encrypted in this browser so that only the sender can read it. Replies left: ${left}.`}
      >
        <Textarea
          value={text}
          required
          onChange={(_, d) => setText(d.value)}
          resize="vertical"
          rows={4}
          data-testid="reply-text"
        />
      </Field>
      <input
        type="file"
        multiple
        aria-label="Attach files"
        data-testid="reply-files"
        onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
        style={{ margin: '12px 0', display: 'block' }}
      />
      {progress !== undefined && <ProgressBar value={progress} />}
      {result && (
        <MessageBar intent={result.ok ? 'success' : 'error'}>
          <MessageBarBody>{result.message}</MessageBarBody>
        </MessageBar>
      )}
      <Button
        appearance="primary"
        type="submit"
        disabled={progress !== undefined || left <= 0}
        style={{ marginTop: 12 }}
      >
        Send secure reply
      </Button>
    </form>
  );
}
