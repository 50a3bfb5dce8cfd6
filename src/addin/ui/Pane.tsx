/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/**
 * The compose pane: recipients with their protection and why, the classification, and the plan with its one
 * button. Everything host-specific arrives through props (`MailHost`, the backend client, the escrow function),
 * so Outlook, Thunderbird and the try-it page render this same component.
 */
import {
  FluentProvider,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Subtitle2,
  tokens,
  webDarkTheme,
  webLightTheme,
} from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import { appliedToExactly, CLASSIFICATION_HEADER } from '../protect/applied';
import { chosenOf } from '../read-message';
import { applyPlan, type ApplyDeps } from '../protect/apply';
import { PROTECTION_NAMES } from '../../core/vocabulary';
import { usePlan } from '../use-plan';
import { ClassificationPicker } from './ClassificationPicker';
import { PlanBar, type ApplyStatus } from './PlanBar';
import { RecipientRow } from './RecipientRow';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalM,
    minHeight: '100vh',
    boxSizing: 'border-box',
    width: '100%',
    minWidth: 0,
    // Addresses, fingerprints and URLs are long words: break them rather than widen the narrow pane.
    overflowWrap: 'anywhere',
  },
  list: { listStyle: 'none', margin: 0, padding: 0 },
});

export type PaneProps = ApplyDeps;

const DONE: Record<string, string> = {
  tag: 'The forced-TLS tag is on the message. You can send it.',
  pgp: 'The message and its attachments are encrypted with OpenPGP. You can send it.',
  escrow: 'The message is stored for secure pickup; the body is now the pickup notice. You can send it.',
  split: 'The other groups are in new messages: review and send each one.',
};

export function Pane(props: PaneProps) {
  const styles = useStyles();
  const deps = useMemo(() => ({ host: props.host, backend: props.backend }), [props.host, props.backend]);
  const [chosen, setChosen] = useState<string>();
  const { state, reload } = usePlan(deps, chosen);
  const [status, setStatus] = useState<ApplyStatus>({ kind: 'idle' });
  const theme = props.host.theme() === 'dark' ? webDarkTheme : webLightTheme;

  /** The choice is written on the item at once: the send check must plan with it even if nothing is applied. */
  const choose = (name: string) => {
    setChosen(name);
    props.host
      .setHeaders({ [CLASSIFICATION_HEADER]: name })
      .then(() => props.host.save())
      .catch((error: unknown) =>
        setStatus({
          kind: 'failed',
          text: `The classification could not be saved on the message: ${String(error)}`,
        }),
      );
  };

  let content;
  if (state.status === 'loading') {
    content = <Spinner label="Checking the recipients…" />;
  } else if (state.status === 'failed') {
    content = (
      <MessageBar intent="error" role="alert">
        <MessageBarBody>{state.error} Sending stays blocked until the check succeeds.</MessageBarBody>
      </MessageBar>
    );
  } else {
    const { loaded, planned } = state;
    const { plan } = planned;
    const applied =
      loaded.applied && appliedToExactly(loaded.applied, planned.addresses) ? loaded.applied : undefined;
    const assessedByAddress = new Map(loaded.answer.recipients.map((r) => [r.address.toLowerCase(), r]));
    const apply = () => {
      setStatus({ kind: 'working', step: 'Starting…' });
      applyPlan(planned, loaded, props, (step, fraction) =>
        setStatus({ kind: 'working', step, ...(fraction !== undefined ? { fraction } : {}) }),
      ).then(
        () => {
          setStatus({ kind: 'done', text: DONE[plan.action] ?? 'Done.' });
          reload();
        },
        (error: unknown) =>
          setStatus({ kind: 'failed', text: error instanceof Error ? error.message : String(error) }),
      );
    };
    content = (
      <>
        {loaded.answer.invalid.map((bad) => (
          <MessageBar key={bad.input} intent="error">
            <MessageBarBody>
              “{bad.input}” {bad.reason}.
            </MessageBarBody>
          </MessageBar>
        ))}
        {loaded.answer.partial ? (
          <MessageBar intent="warning">
            <MessageBarBody>
              Some checks are still running; the plan will update when they finish.
            </MessageBarBody>
          </MessageBar>
        ) : null}
        <ClassificationPicker
          policy={loaded.policy}
          chosen={chosen ?? chosenOf(loaded)}
          result={planned.classification}
          findings={planned.findings}
          truncated={planned.truncated}
          {...(loaded.label ? { label: loaded.label } : {})}
          onChoose={choose}
        />
        <PlanBar
          plan={plan}
          {...(applied
            ? { appliedText: `Applied: ${PROTECTION_NAMES[applied.protection]} for these recipients.` }
            : {})}
          status={status}
          canSplit={props.host.openNewMessage !== undefined}
          onApply={apply}
        />
        <section aria-label="Recipients">
          <Subtitle2 as="h2">Recipients</Subtitle2>
          <ul className={styles.list} aria-busy={state.refreshing}>
            {plan.recipients.map((r) => (
              <RecipientRow
                key={r.address}
                recipient={r}
                assessed={assessedByAddress.get(r.address.toLowerCase())}
              />
            ))}
          </ul>
        </section>
      </>
    );
  }
  return (
    <FluentProvider theme={theme}>
      <main className={styles.root} aria-label="Sendguard">
        {content}
      </main>
    </FluentProvider>
  );
}
