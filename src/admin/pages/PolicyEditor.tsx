/**
 * The policy's text in a plain textarea (YAML, monospace), checked by the service as the admin types, with the
 * check's outcome said under it: checking, valid, or the problems, each of which moves the cursor to its place.
 */
import { Field, MessageBar, MessageBarBody, Textarea, makeStyles, tokens } from '@fluentui/react-components';
import { useRef } from 'react';
import { failureText } from './failure-text';
import { offsetOf } from './policy-position';
import { PolicyProblems, problemsCount } from './PolicyProblems';
import type { PolicyCheckState } from './use-policy-check';
import { useVisuallyHidden } from './visually-hidden';

const useStyles = makeStyles({
  text: { fontFamily: tokens.fontFamilyMonospace, minHeight: '24rem' },
});

/** Puts the cursor at `line`:`column` of the textarea and scrolls that line into view, a few lines from the top. */
function moveCursor(area: HTMLTextAreaElement, line: number, column: number): void {
  const offset = offsetOf(area.value, line, column);
  area.focus();
  area.setSelectionRange(offset, offset);
  const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 20;
  area.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

function CheckOutcome(props: { check: PolicyCheckState; onJump: (line: number, column: number) => void }) {
  const { check, onJump } = props;
  const visuallyHidden = useVisuallyHidden().hidden;
  if (check.state === 'checking') return <p role="status">Checking the edited policy…</p>;
  if (check.state === 'failed')
    return (
      <MessageBar intent="warning" role="status">
        <MessageBarBody>{failureText('check the edited policy', check.error)}</MessageBarBody>
      </MessageBar>
    );
  if (check.answer.valid) return <p role="status">The edited policy is valid.</p>;
  // The live region says only how many; the list itself is read when the admin goes to it.
  return (
    <>
      <p role="status" className={visuallyHidden}>
        {problemsCount(check.answer.errors)}
      </p>
      <PolicyProblems problems={check.answer.errors} onJump={onJump} />
    </>
  );
}

export function PolicyEditor(props: {
  text: string;
  onChange: (text: string) => void;
  check: PolicyCheckState;
}): JSX.Element {
  const styles = useStyles();
  const area = useRef<HTMLTextAreaElement>(null);
  const jump = (line: number, column: number) => area.current && moveCursor(area.current, line, column);
  return (
    <>
      <Field label="Policy (YAML)" hint="Checked as you type; nothing changes until you save.">
        <Textarea
          ref={area}
          textarea={{ className: styles.text, spellCheck: false }}
          value={props.text}
          onChange={(_, data) => props.onChange(data.value)}
          resize="vertical"
        />
      </Field>
      <CheckOutcome check={props.check} onJump={jump} />
    </>
  );
}
