/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/**
 * The message's classification: the sender's choice, and why it may be higher than chosen — what the detectors
 * found (masked, with the line), the sensitivity label, and the thread the message replies to or forwards.
 * Detectors and labels only ever raise it; a thread's floor may be lowered only where the policy allows it, as
 * the sender's explicit choice.
 */
import {
  Caption1,
  Field,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Select,
  tokens,
} from '@fluentui/react-components';
import type { ClassificationFloor, ClassificationResult } from '../../core/classify';
import type { Finding } from '../../core/detectors';
import type { Policy } from '../../core/policy/schema';
import { belowFloor } from '../thread/lowering';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  field: { minWidth: 0 },
  select: { minWidth: 0, width: '100%' },
});

export interface ClassificationPickerProps {
  policy: Policy;
  chosen: string | undefined;
  result: ClassificationResult;
  findings: readonly Finding[];
  truncated: boolean;
  label?: string;
  /** The classification the thread set, and whether the sender chose to go below it. */
  thread?: { floor: ClassificationFloor; lowered: boolean };
  onChoose: (name: string) => void;
}

function nameOf(policy: Policy, name: string): string {
  return policy.classifications.find((c) => c.name === name)?.label ?? name;
}

/** Why the thread set a floor, and what the sender may do about it. */
function threadNotice(policy: Policy, thread: NonNullable<ClassificationPickerProps['thread']>): string {
  const floorName = nameOf(policy, thread.floor.classification);
  if (thread.lowered)
    return `${thread.floor.because}. You chose a lower classification than ${floorName}: Sendguard records that choice on the message.`;
  return policy.threads.allowLowering
    ? `${thread.floor.because}. You may choose a lower classification; Sendguard records that you did.`
    : `${thread.floor.because}. Your organisation does not let you choose a lower classification.`;
}

function explanation(props: ClassificationPickerProps): string | undefined {
  const { policy, result } = props;
  const raisedBy = result.decidedBy.flatMap((source) => {
    if (source.kind === 'detector')
      return [
        `the message contains what looks like ${props.findings.find((f) => f.detector === source.detector)?.label ?? source.detector}`,
      ];
    if (source.kind === 'label') return [`its sensitivity label is "${source.label}"`];
    return [];
  });
  // Raised by the unread tail of a long body alone (see core/evaluate's unscannedFloor).
  if (props.truncated && result.decidedBy.length === 0)
    raisedBy.push('the message is too long to check in full for personal data');
  if (raisedBy.length === 0) return undefined;
  return `Treated as ${nameOf(policy, result.classification)} because ${raisedBy.join(' and ')}.`;
}

export function ClassificationPicker(props: ClassificationPickerProps) {
  const styles = useStyles();
  const { policy, findings } = props;
  const why = explanation(props);
  const { thread } = props;
  // Below the floor and not allowed: shown, so the sender sees the choices, but not choosable.
  const locked = (name: string) =>
    thread !== undefined && !policy.threads.allowLowering && belowFloor(name, thread.floor, policy);
  return (
    <div className={styles.root}>
      <Field className={styles.field} label="Classification" hint={why}>
        <Select
          className={styles.select}
          value={
            props.chosen ??
            (thread && !thread.lowered ? thread.floor.classification : policy.defaultClassification)
          }
          onChange={(_event, data) => props.onChoose(data.value)}
        >
          {policy.classifications.map((c) => (
            <option key={c.name} value={c.name} disabled={locked(c.name)}>
              {c.label ?? c.name}
            </option>
          ))}
        </Select>
      </Field>
      {thread ? (
        <MessageBar intent={thread.lowered ? 'warning' : 'info'} layout="multiline">
          <MessageBarBody>{threadNotice(policy, thread)}</MessageBarBody>
        </MessageBar>
      ) : null}
      {findings.length > 0 ? (
        <ul className={styles.list} aria-label="Found in the message">
          {findings.slice(0, 5).map((f) => (
            <li key={`${f.start}`}>
              <Caption1>
                {f.label}: {f.masked} (line {f.line})
              </Caption1>
            </li>
          ))}
          {findings.length > 5 ? (
            <li>
              <Caption1>and {findings.length - 5} more</Caption1>
            </li>
          ) : null}
        </ul>
      ) : null}
      {props.truncated ? (
        <Caption1>
          The message is too long to check in full: only its beginning was checked for personal data.
        </Caption1>
      ) : null}
    </div>
  );
}
