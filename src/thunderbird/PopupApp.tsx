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
import { Pane, type PaneProps } from '../addin/ui/Pane';
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
  const [answer, setAnswer] = useState<'asked' | 'granted' | 'failed'>('asked');
  const granted = () =>
    onSendAnyway().then(
      () => setAnswer('granted'),
      () => setAnswer('failed'),
    );
  return (
    <>
      {prompt ? (
        <FluentProvider theme={webLightTheme}>
          <MessageBar intent={answer === 'granted' ? 'success' : 'warning'} layout="multiline">
            <MessageBarBody>
              {answer === 'granted'
                ? 'Click Send again within ten minutes to send this message without Sendguard’s check.'
                : answer === 'failed'
                  ? 'Your answer could not be saved. Close this and try again.'
                  : `${prompt.text} Your organisation lets you send it anyway.`}
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
