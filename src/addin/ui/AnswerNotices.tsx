/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/**
 * What the service said about the recipients as a whole: entries that are not addresses, checks still running; or
 * that the answer is the verdicts kept from before, the service being out of reach (`keptNote`).
 */
import { MessageBar, MessageBarBody } from '@fluentui/react-components';
import type { AssessAnswer } from '../backend';

export function AnswerNotices({ answer, keptNote }: { answer: AssessAnswer; keptNote?: string | undefined }) {
  return (
    <>
      {keptNote ? (
        <MessageBar intent="warning">
          <MessageBarBody>
            {keptNote} Sending as it is, or tagged for forced TLS, can still be decided from them; OpenPGP,
            secure pickup and a split need the service.
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {answer.invalid.map((bad) => (
        <MessageBar key={bad.input} intent="error">
          <MessageBarBody>
            “{bad.input}” {bad.reason}.
          </MessageBarBody>
        </MessageBar>
      ))}
      {answer.partial ? (
        <MessageBar intent="warning">
          <MessageBarBody>
            Some checks are still running; the plan will update when they finish.
          </MessageBarBody>
        </MessageBar>
      ) : null}
    </>
  );
}
