/**
 * What the compose button's popup shows: the shared pane for this message, preceded by "Send anyway" when the
 * send check could not reach the backend and the policy lets the sender decide; or, before the add-on is set up,
 * where to set it up.
 */
import {
  Button,
  FluentProvider,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  webLightTheme,
} from '@fluentui/react-components';
import { useState } from 'react';
import { recordFailure } from '../addin/failure-log';
import { Pane, type PaneProps } from '../addin/ui/Pane';
import { messageOf } from '../core/errors';
import type { PendingPrompt } from './prompt-override';

export function NotSetUp({ onOpenOptions }: { onOpenOptions: () => void }) {
  return (
    <FluentProvider theme={webLightTheme}>
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          Sendguard is not set up yet: it needs the address of your organisation’s Sendguard service. Until
          then, it stops every message on Send.
        </MessageBarBody>
        <MessageBarActions>
          <Button onClick={onOpenOptions}>Open Sendguard options</Button>
        </MessageBarActions>
      </MessageBar>
    </FluentProvider>
  );
}

export interface PopupAppProps {
  pane: PaneProps;
  prompt?: PendingPrompt;
  onSendAnyway: () => Promise<void>;
}

export function PopupApp({ pane, prompt, onSendAnyway }: PopupAppProps) {
  const [answer, setAnswer] = useState<'asked' | 'granted' | { failed: string }>('asked');
  const granted = () =>
    onSendAnyway().then(
      () => setAnswer('granted'),
      (error: unknown) => {
        recordFailure('saving “Send anyway”', error);
        setAnswer({ failed: messageOf(error) });
      },
    );
  return (
    <>
      {prompt ? (
        <FluentProvider theme={webLightTheme}>
          <MessageBar intent={answer === 'granted' ? 'success' : 'warning'} layout="multiline">
            <MessageBarBody>
              {answer === 'granted'
                ? 'Click Send again within ten minutes to send this message without Sendguard’s check.'
                : answer === 'asked'
                  ? `${prompt.text} Your organisation lets you send it anyway.`
                  : `Your answer could not be saved (${answer.failed}), so the message will still be stopped. Close this and try again.`}
            </MessageBarBody>
            {answer === 'asked' ? (
              <MessageBarActions>
                <Button onClick={granted}>Send anyway</Button>
              </MessageBarActions>
            ) : null}
          </MessageBar>
        </FluentProvider>
      ) : null}
      <Pane {...pane} />
    </>
  );
}
