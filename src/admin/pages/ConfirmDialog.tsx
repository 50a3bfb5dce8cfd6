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
import type { ReactNode } from 'react';
import { failureText } from './failure-text';
import { useAction } from './use-action';

export interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  /** The button that does it, named for what it does ("Remove key"). */
  confirm: string;
  /** What failed, for the refusal's text ("remove the key"). */
  doing: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/** Rendered while open; the caller mounts it when the admin asks and unmounts it on close. */
export function ConfirmDialog(props: ConfirmDialogProps): JSX.Element {
  const { title, children, confirm, doing, onConfirm, onClose } = props;
  const { working, failure, start } = useAction(
    async () => {
      await onConfirm();
      onClose();
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
            <Button appearance="primary" onClick={() => void start()} disabled={working}>
              {working ? `${confirm}…` : confirm}
            </Button>
            <Button onClick={onClose} disabled={working}>
              Cancel
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
