/** Attachments as a list of names (rendered as text) with a download button each; nothing opens in the page. */
import { Button, Text, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { formatBytes, saveBlob } from '../download';
import { messageOf } from '../../core/errors';

export interface AttachmentItem {
  name: string;
  size: number;
}

export function AttachmentList({
  attachments,
  fetchBlob,
}: {
  attachments: AttachmentItem[];
  fetchBlob: (index: number) => Promise<Blob>;
}) {
  const [busy, setBusy] = useState<number>();
  const [error, setError] = useState('');
  if (attachments.length === 0) return null;
  const download = async (index: number) => {
    setBusy(index);
    setError('');
    try {
      saveBlob(await fetchBlob(index), attachments[index]!.name);
    } catch (e) {
      setError(`${attachments[index]!.name} could not be downloaded: ${messageOf(e)}`);
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <section aria-label="Attachments">
      <Text weight="semibold" block>
        Attachments
      </Text>
      <ul
        style={{
          listStyle: 'none',
          padding: 0,
          margin: '8px 0',
          display: 'flex',
          flexDirection: 'column',
          gap: 8,
        }}
      >
        {attachments.map((a, i) => (
          <li key={i} style={{ display: 'flex', alignItems: 'center', gap: 12 }}>
            <Button
              size="small"
              disabled={busy !== undefined}
              onClick={() => void download(i)}
              data-testid={`download-${i}`}
              // Every row's button says "Download": its name says which file, for a reader going by controls.
              aria-label={`${busy === i ? 'Decrypting' : 'Download'} ${a.name}`}
            >
              {busy === i ? 'Decrypting…' : 'Download'}
            </Button>
            <Text data-testid={`attachment-name-${i}`} style={{ wordBreak: 'break-all' }}>
              {a.name}
            </Text>
            <Text size={200}>{formatBytes(a.size)}</Text>
          </li>
        ))}
      </ul>
      {error && <Text style={{ color: tokens.colorPaletteRedForeground1 }}>{error}</Text>}
    </section>
  );
}
