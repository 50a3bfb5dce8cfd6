/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/**
 * After a split, where the host lets the add-in send the messages it opened: one button that protects and sends
 * every message, the new ones first and this one last, with each message's progress, and where it stopped.
 */
import { Button, makeStyles, MessageBar, MessageBarBody, Text, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { messageOf } from '../../core/errors';
import { needsPasscode } from '../../core/plan';
import { recordFailure } from '../failure-log';
import type { ApplyDeps } from '../protect/apply';
import { sendAll, sendable, type SendAllStep } from '../split/send-all';
import { PasscodeControl, type Passcode } from './PasscodeControl';
import type { SplitDone } from './use-apply';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  steps: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
});

const STATE_WORDS: Record<SendAllStep['state'], string> = {
  waiting: 'waiting',
  working: 'working',
  sent: 'sent',
  failed: 'not sent',
};

interface Run {
  steps: SendAllStep[];
  done: boolean;
  failed?: string;
}

export interface SendAllProps {
  deps: ApplyDeps;
  split: SplitDone;
  passcode: Passcode;
}

export function SendAll({ deps, split, passcode }: SendAllProps) {
  const styles = useStyles();
  const [run, setRun] = useState<Run>();
  const messages = sendable(deps.host, split.kept, split.opened);
  if (!messages) return null;
  const needing = needsPasscode(split.plan);
  const sound = passcode.value !== '' && passcode.problem === undefined;
  const start = () => {
    setRun({ steps: messages.map((m) => ({ label: m.label, state: 'waiting' })), done: false });
    sendAll({
      messages,
      deps,
      sender: sound ? { passcode: passcode.value } : {},
      report: (steps) => setRun((before) => ({ done: false, ...before, steps })),
    }).then(
      () => setRun((before) => before && { ...before, done: true }),
      (error: unknown) => {
        recordFailure('sending all messages of a split', error);
        setRun((before) => before && { ...before, failed: messageOf(error) });
      },
    );
  };
  return (
    <section className={styles.root} aria-label="Send all">
      {needing ? (
        <PasscodeControl
          plan={split.plan}
          applied={run !== undefined}
          passcode={{ ...passcode, ...(sound && run ? { used: passcode.value } : {}) }}
        />
      ) : null}
      {run === undefined ? (
        <Button appearance="primary" disabled={needing && !sound} onClick={start}>
          Protect and send all {messages.length} messages
        </Button>
      ) : null}
      {run ? (
        <ol className={styles.steps} aria-label="Sending">
          {run.steps.map((step) => (
            <li key={step.label}>
              <Text>
                {step.label}: {STATE_WORDS[step.state]}
                {step.detail ? ` — ${step.detail}` : ''}
              </Text>
            </li>
          ))}
        </ol>
      ) : null}
      {run?.done ? (
        <MessageBar intent="success">
          <MessageBarBody>All {messages.length} messages were protected and sent.</MessageBarBody>
        </MessageBar>
      ) : null}
      {run?.failed !== undefined ? (
        <MessageBar intent="error" role="alert">
          <MessageBarBody>{run.failed}</MessageBarBody>
        </MessageBar>
      ) : null}
    </section>
  );
}
