/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/** What the service said about the recipients as a whole: entries that are not addresses, checks still running. */
import { MessageBar, MessageBarBody } from '@fluentui/react-components';
import type { AssessAnswer } from '../backend';

export function AnswerNotices({ answer }: { answer: AssessAnswer }) {
  return (
    <>
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
