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
