/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/**
 * The sender's passcode for a secure-pickup message: needed when a recipient has no other proof that keeps off
 * their mail route, optional otherwise. The value is the pane's state only; nothing here stores it.
 */
import { Button, Field, Input, makeStyles, Text, tokens } from '@fluentui/react-components';
import { passcodeRecipients, type Plan } from '../../core/plan';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', alignItems: 'stretch', gap: tokens.spacingVerticalXS },
  suggest: { alignSelf: 'flex-start' },
});

/** The pane's passcode state. */
export interface Passcode {
  value: string;
  /** What is wrong with `value` as a passcode (passcodeProblem, worked out once by the pane); none when sound. */
  problem?: string;
  set: (value: string) => void;
  /** A fresh suggestion, from the pane's random source. */
  suggest: () => string;
  /** The passcode secure pickup was applied with, when some recipient's proof needed it. */
  used?: string;
}

export interface PasscodeControlProps {
  plan: Plan;
  /**
   * Secure pickup is already applied: the passcode it was applied with (if any) is shown to be told, no longer to
   * be changed; a passcode typed but not needed by any recipient went nowhere and is not shown.
   */
  applied: boolean;
  passcode: Passcode;
}

const CHANNEL = 'Give it to them by phone or another channel — never in this email or a reply to it.';

function hintFor(needing: readonly string[]): string {
  return needing.length > 0
    ? `${needing.join(', ')} can open this message only with a passcode you set here. ${CHANNEL}`
    : `Optional: with a passcode, recipients who would get a code by mail need this passcode too. ${CHANNEL}`;
}

export function PasscodeControl({ plan, applied, passcode }: PasscodeControlProps) {
  const styles = useStyles();
  if (applied) {
    return passcode.used !== undefined ? (
      <Text>
        The passcode for this message is <strong data-testid="passcode-applied">{passcode.used}</strong>. Note
        it now: Sendguard does not keep it. {CHANNEL}
      </Text>
    ) : null;
  }
  const needing = passcodeRecipients(plan);
  // An empty field is not yet an error to show: the pane's Apply waits for a passcode where one is needed.
  const problem = passcode.value === '' ? undefined : passcode.problem;
  return (
    <div className={styles.root}>
      <Field
        label="Passcode for this message"
        required={needing.length > 0}
        hint={hintFor(needing)}
        validationState={problem ? 'error' : 'none'}
        {...(problem ? { validationMessage: problem } : {})}
      >
        <Input
          value={passcode.value}
          autoComplete="off"
          spellCheck={false}
          onChange={(_, data) => passcode.set(data.value)}
        />
      </Field>
      <Button className={styles.suggest} size="small" onClick={() => passcode.set(passcode.suggest())}>
        Suggest one
      </Button>
    </div>
  );
}
