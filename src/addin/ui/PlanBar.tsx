/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/** The plan in one sentence and the one button that applies it, with progress while it runs and what went wrong. */
import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarBody,
  ProgressBar,
  Text,
  tokens,
} from '@fluentui/react-components';
import type { ReactNode } from 'react';
import type { Plan } from '../../core/plan';
import { actionLabel } from './badge-text';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
});

export type ApplyStatus =
  | { kind: 'idle' }
  | { kind: 'working'; step: string; fraction?: number }
  | { kind: 'done'; text: string }
  | { kind: 'failed'; text: string };

export interface PlanBarProps {
  plan: Plan;
  /** Already applied for exactly these recipients (from the record on the draft). */
  appliedText?: string;
  status: ApplyStatus;
  /**
   * What stands in the way of applying (a split that would lose part of the message here, a message over its
   * size limit), one sentence each: shown instead of the button.
   */
  problems: readonly string[];
  /** False while the sender still owes something the action needs (a passcode): the button waits. */
  ready?: boolean;
  onApply: () => void;
  /**
   * Set where the pane lives in a popup that a split's new messages would close: the button reopens the pane in
   * a window of its own instead of applying, and says so.
   */
  onOpenWindow?: () => void;
  /** What the sender gives before applying, shown above the button. */
  children?: ReactNode;
}

export function PlanBar({
  plan,
  appliedText,
  status,
  problems,
  ready = true,
  onApply,
  onOpenWindow,
  children,
}: PlanBarProps) {
  const styles = useStyles();
  const label = actionLabel(plan.action, plan.groups?.length ?? 0);
  const unavailable = problems.length > 0;
  return (
    <section className={styles.root} aria-label="Plan">
      <Text weight="semibold" data-testid="plan-summary">
        {plan.summary}
      </Text>
      {appliedText ? <Text data-testid="applied">{appliedText}</Text> : null}
      {children}
      {unavailable ? (
        <MessageBar intent="warning" layout="multiline" data-testid="plan-problems">
          <MessageBarBody>
            {problems.map((problem) => (
              <p key={problem}>{problem}</p>
            ))}
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {label && !unavailable ? (
        <Button
          appearance="primary"
          disabled={status.kind === 'working' || !ready}
          onClick={onOpenWindow ?? onApply}
        >
          {onOpenWindow ? 'Split in a Sendguard window' : label}
        </Button>
      ) : null}
      {label && !unavailable && onOpenWindow ? (
        <Text size={200}>New messages close this popup, so the split runs in a window of its own.</Text>
      ) : null}
      <div role="status" aria-live="polite">
        {status.kind === 'working' ? (
          <>
            <Text>{status.step}</Text>
            <ProgressBar value={status.fraction} aria-label={status.step} />
          </>
        ) : null}
        {status.kind === 'done' ? (
          <MessageBar intent="success">
            <MessageBarBody>{status.text}</MessageBarBody>
          </MessageBar>
        ) : null}
      </div>
      {status.kind === 'failed' ? (
        <MessageBar intent="error" role="alert">
          <MessageBarBody>{status.text}</MessageBarBody>
        </MessageBar>
      ) : null}
    </section>
  );
}
