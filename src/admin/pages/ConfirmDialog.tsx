/**
 * Asks before something that cannot be undone (removing a key, revoking a message): says what will happen in the
 * dialog's text, does it only on the named button, and keeps the dialog open with the service's refusal when it
 * fails, so the admin reads why and can cancel. Escape and Cancel leave everything as it was.
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
} from '@fluentui/react-components';
import { useState, type ReactNode } from 'react';
import { failureText } from './failure-text';
import { useAction } from './use-action';

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  /** The button that does it, named for what it does ("Remove key"). */
  confirm: string;
  /** What failed, for the refusal's text ("remove the key"). */
  doing: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/**
 * After the dialog closed: the button that opened it may be gone with what it acted on (a removed key's row, a
 * revoked recipient's button), and focus with it. Focus then goes to the heading of the section the button was
 * in, not to the start of the page, so that a keyboard user carries on where they were.
 */
function keepFocusNear(opener: Element | null): void {
  const heading = opener?.closest('section')?.querySelector<HTMLElement>('h2, h3');
  // After the dialog's own focus restoring, which runs as it unmounts.
  setTimeout(() => {
    if (opener?.isConnected || !heading?.isConnected) return;
    heading.tabIndex = -1;
    heading.focus();
  }, 0);
}

/** Rendered while open; the caller mounts it when the admin asks and unmounts it on close. */
export function ConfirmDialog(props: ConfirmDialogProps): JSX.Element {
  const { title, children, confirm, doing, onConfirm, onClose } = props;
  // What had focus when the dialog opened: the button that asked for it.
  const [opener] = useState(() => document.activeElement);
  const { working, failure, start } = useAction(
    async () => {
      await onConfirm();
      onClose();
      keepFocusNear(opener);
    },
    (error) => failureText(doing, error),
  );
  return (
    <Dialog open modalType="alert" onOpenChange={(_, data) => (data.open ? undefined : onClose())}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent>
            {children}
            {failure ? (
              <MessageBar intent="error" role="alert">
                <MessageBarBody>{failure}</MessageBarBody>
              </MessageBar>
            ) : null}
          </DialogContent>
          <DialogActions>
            {/* Focusable while working (aria-disabled, clicks ignored): a disabled button loses the focus, which
                in Chromium falls to the page's body, outside the modal dialog (as in the pane's KeyChange). */}
            <Button appearance="primary" onClick={() => void start()} disabledFocusable={working}>
              {working ? `${confirm}…` : confirm}
            </Button>
            <Button onClick={onClose} disabledFocusable={working}>
              Cancel
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
