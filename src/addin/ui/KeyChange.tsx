/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/**
 * A recipient whose OpenPGP key differs from the one used before: the sender sees both fingerprints and confirms
 * they have read them. The new key is not used until an administrator accepts it (the backend withholds keys it
 * cannot vouch for), so confirming here explains the protection the recipient gets meanwhile.
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  Text,
} from '@fluentui/react-components';
import type { AssessedRecipient } from '../backend';
import { formatFingerprint } from '../../core/fingerprint';

export function KeyChange({ assessed }: { assessed: AssessedRecipient }) {
  const { key } = assessed;
  return (
    <Dialog>
      <DialogTrigger disableButtonEnhancement>
        <Button size="small" appearance="outline">
          Review key change
        </Button>
      </DialogTrigger>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>The OpenPGP key of {assessed.address} has changed</DialogTitle>
          <DialogContent>
            <Text block>
              Key used before: {key.pinnedFingerprint ? formatFingerprint(key.pinnedFingerprint) : 'unknown'}
            </Text>
            <Text block>
              Key found now: {key.fingerprint ? formatFingerprint(key.fingerprint) : 'unknown'}
            </Text>
            <Text block>
              A changed key can mean the recipient made a new one, or that someone is impersonating them.
              Check the new fingerprint with {assessed.address} by phone or in person, then ask your
              administrator to accept it. Until then this recipient is not sent OpenPGP; the plan uses another
              protection.
            </Text>
          </DialogContent>
          <DialogActions>
            <DialogTrigger disableButtonEnhancement>
              <Button appearance="primary">I understand</Button>
            </DialogTrigger>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
