/**
 * The sender's HTML in an `<iframe sandbox="allow-same-origin">`: no `allow-scripts`, so nothing in it runs,
 * whatever got past the sanitiser; same-origin only so that this page can catch clicks on links and ask first.
 * The frame's document carries its own content security policy: no remote fetch at all until the reader presses
 * "Show images", then HTTPS images only (../render/frame-document.ts).
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  mergeClasses,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  tokens,
} from '@fluentui/react-components';
import { useMemo, useRef, useState } from 'react';
import { escapeMarkup } from '../../core/markup';
import { sanitizeEmail } from '../render/sanitize';

const useStyles = makeStyles({
  frame: {
    width: '100%',
    minHeight: '160px',
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    boxSizing: 'border-box',
  },
  // The frame takes focus for keyboard scrolling of a long message: show where focus is, as Fluent's controls do.
  // Set from the frame's own focus events: focus inside a frame's document makes the frame element match no
  // `:focus` in Chromium.
  focused: {
    outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`,
    outlineOffset: '1px',
  },
  link: { wordBreak: 'break-all', marginTop: tokens.spacingVerticalS, color: tokens.colorNeutralForeground3 },
});

export function BodyFrame({ html, text }: { html: string; text: string }) {
  const styles = useStyles();
  const [remoteImages, setRemoteImages] = useState(false);
  const [pendingLink, setPendingLink] = useState<string>();
  const [focused, setFocused] = useState(false);
  const frame = useRef<HTMLIFrameElement>(null);
  const body = useMemo(
    () =>
      sanitizeEmail(
        html || `<pre style="white-space:pre-wrap;font-family:inherit">${escapeMarkup(text)}</pre>`,
        remoteImages,
      ),
    [html, text, remoteImages],
  );

  const watchFrame = () => {
    const doc = frame.current?.contentDocument;
    if (!doc) return;
    const askToOpen = (event: Event) => {
      const anchor = (event.target as Element | null)?.closest?.('[data-sg-href]');
      if (!anchor) return;
      event.preventDefault();
      setPendingLink(anchor.getAttribute('data-sg-href') ?? undefined);
    };
    doc.addEventListener('click', askToOpen);
    doc.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') askToOpen(event);
    });
    doc.defaultView?.addEventListener('focus', () => setFocused(true));
    doc.defaultView?.addEventListener('blur', () => setFocused(false));
    frame.current!.style.height = `${Math.min(Math.max(doc.documentElement.scrollHeight + 24, 160), 2000)}px`;
  };

  const host = pendingLink
    ? pendingLink.startsWith('mailto:')
      ? pendingLink.slice(7)
      : safeHost(pendingLink)
    : '';
  return (
    <>
      {body.blockedImages > 0 && !remoteImages && (
        <MessageBar intent="info">
          <MessageBarBody>
            Images from the internet are not shown: loading them would tell their owner that you opened this
            message.
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => setRemoteImages(true)}>Show images</Button>
          </MessageBarActions>
        </MessageBar>
      )}
      <iframe
        ref={frame}
        title="Message body"
        sandbox="allow-same-origin"
        srcDoc={body.document}
        onLoad={watchFrame}
        referrerPolicy="no-referrer"
        className={mergeClasses(styles.frame, focused && styles.focused)}
      />
      <Dialog open={pendingLink !== undefined} onOpenChange={(_, d) => !d.open && setPendingLink(undefined)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>Open this link?</DialogTitle>
            <DialogContent>
              The link leads to <strong>{host}</strong>, outside this secure page. Open it only if you
              expected a link there from this sender.
              <div className={styles.link}>{pendingLink}</div>
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setPendingLink(undefined)}>Cancel</Button>
              <Button
                appearance="primary"
                onClick={() => {
                  window.open(pendingLink, '_blank', 'noopener,noreferrer');
                  setPendingLink(undefined);
                }}
              >
                Open in a new tab
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </>
  );
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
