/** Why the last request failed, in the server's or the client's own words; nothing while there is no failure. */
import { MessageBar, MessageBarBody } from '@fluentui/react-components';

export function ErrorBar({ message }: { message: string }) {
  if (!message) return null;
  return (
    <MessageBar intent="error">
      <MessageBarBody>{message}</MessageBarBody>
    </MessageBar>
  );
}
