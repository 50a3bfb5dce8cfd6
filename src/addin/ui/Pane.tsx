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
  tokens,
  webDarkTheme,
  webLightTheme,
} from '@fluentui/react-components';
import { useMemo, useState, type ReactNode } from 'react';
import { messageOf } from '../../core/errors';
import { needsPasscode } from '../../core/plan';
import { PROTECTION_NAMES } from '../../core/vocabulary';
import type { PlannedMessage } from '../assessment';
import type { NewMessages } from '../host';
import type { Identity, SignInReach } from '../backend';
import type { ApplyDeps } from '../protect/apply';
import { appliedToExactly } from '../protect/applied';
import { passcodeProblem, suggestPasscode } from '../passcode';
import { chosenOf } from '../read-message';
import type { LoadedMessage } from '../state';
import { usePlan, type PlanState } from '../use-plan';
import { AnswerNotices } from './AnswerNotices';
import { ClassificationPicker } from './ClassificationPicker';
import type { AcceptKey } from './KeyChange';
import { PasscodeControl, type Passcode } from './PasscodeControl';
import { PlanBar, type ApplyStatus } from './PlanBar';
import { listOf } from '../lists/via';
import { RecipientList } from './RecipientList';
import { SendAll } from './SendAll';
import { SentSecurely } from './SentSecurely';
import { SplitGroups } from './SplitGroups';
import { SignedInAs } from './SignedInAs';
import { PANE_ONLY_SIGN_IN, SignInOffer } from './SignInOffer';
import { useApply, type ApplyControl } from './use-apply';
import { useChecksBefore } from './use-checks-before';
import { useClassificationChoice } from './use-classification-choice';
import { loweringHeaders } from '../thread/lowering';
import { useOutline, type OutlineState } from './use-outline';

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
});

export interface PaneProps extends ApplyDeps {
  /** The host's interactive sign-in, offered when the check failed for want of one; absent where there is none. */
  signIn?: () => Promise<SignInReach>;
  /** Who the service takes the sender to be, shown as "Signed in as …"; absent where the host does not ask. */
  whoAmI?: () => Promise<Identity>;
}

export function Pane(props: PaneProps) {
  const styles = useStyles();
  const deps = useMemo(() => ({ host: props.host, backend: props.backend }), [props.host, props.backend]);
  const work = useApply(props);
  const { chosen, choose } = useClassificationChoice(props.host, (error) =>
    work.fail(
      'saving the classification',
      error,
      `The classification could not be saved on the message (${messageOf(error)}), so the send check would not see it. Choose it again.`,
    ),
  );
  // The sender's passcode for secure pickup lives here only: never in storage, the draft or a log.
  const [passcode, setPasscode] = useState('');
  const passcodeIssue = passcodeProblem(passcode);
  const { state, reload } = usePlan(deps, chosen, passcodeIssue === undefined);
  const outline = useOutline(props.host, state.status === 'ready' ? state.loaded : undefined);
  const passcodeState: Passcode = {
    value: passcode,
    problem: passcodeIssue,
    set: setPasscode,
    suggest: () => suggestPasscode(props.randomHex),
    ...(work.usedPasscode !== undefined ? { used: work.usedPasscode } : {}),
  };
  const [paneOnlySignIn, setPaneOnlySignIn] = useState(false);
  /** The sender's confirmation of a changed key; the recipients are checked again whatever the service said. */
  const acceptKey: AcceptKey = (address, fingerprint) =>
    props.backend.acceptKey(address, fingerprint).then(
      () => reload(),
      (error: unknown) => {
        reload();
        throw error;
      },
    );
  const theme = props.host.theme() === 'dark' ? webDarkTheme : webLightTheme;
  return (
    <FluentProvider theme={theme}>
      <main className={styles.root} aria-label="Sendguard">
        {props.whoAmI ? <SignedInAs whoAmI={props.whoAmI} answered={state.status === 'ready'} /> : null}
        {paneOnlySignIn ? (
          <MessageBar intent="warning" role="status" layout="multiline">
            <MessageBarBody>{PANE_ONLY_SIGN_IN}</MessageBarBody>
          </MessageBar>
        ) : null}
        <PaneContent
          state={state}
          chosen={chosen}
          onChoose={choose}
          status={work.status}
          outline={outline}
          newMessages={props.host.newMessages}
          passcode={passcodeState}
          afterPlan={work.split ? <SendAll deps={props} split={work.split} passcode={passcodeState} /> : null}
          onApply={(planned, loaded) => work.apply(planned, loaded, reload, passcode ? { passcode } : {})}
          {...(props.host.reopenInWindow
            ? { onOpenWindow: openWindow(props.host.reopenInWindow, work.fail) }
            : {})}
          onAcceptKey={acceptKey}
          {...(props.signIn ? { signIn: props.signIn } : {})}
          onSignedIn={(reach) => {
            setPaneOnlySignIn(reach === 'pane-only');
            reload();
          }}
        />
        <SentSecurely
          host={props.host}
          backend={props.backend}
          refresh={work.status.kind === 'done' ? work.status : undefined}
        />
      </main>
    </FluentProvider>
  );
}

/** Reopens the pane in its own window, or says why it could not. */
function openWindow(reopen: () => Promise<void>, fail: ApplyControl['fail']): () => void {
  return () =>
    void reopen().catch((error: unknown) =>
      fail(
        'opening the Sendguard window',
        error,
        `The Sendguard window could not open (${messageOf(error)}). Close this and click the Sendguard button again.`,
      ),
    );
}

interface PaneContentProps {
  state: PlanState;
  chosen: string | undefined;
  /** `lowering`: the headers recording whether the choice lowers the thread's classification. */
  onChoose: (name: string, lowering?: Record<string, string>) => void;
  status: ApplyStatus;
  /** The message's parts, for what a split would lose and how large each message would be. */
  outline: OutlineState;
  newMessages: NewMessages | undefined;
  passcode: Passcode;
  /** Shown right under the plan: sending every message of a split this pane made. */
  afterPlan: ReactNode;
  onApply: (planned: PlannedMessage, loaded: LoadedMessage) => void;
  /** Where a split must run in a window of its own (MailHost.reopenInWindow): opens that window. */
  onOpenWindow?: () => void;
  onAcceptKey: AcceptKey;
  signIn?: () => Promise<SignInReach>;
  onSignedIn: (reach: SignInReach) => void;
}

/** Checking, failed (with the sign-in, when that is what failed), or the plan. */
function PaneContent({ state, signIn, onSignedIn, ...rest }: PaneContentProps) {
  switch (state.status) {
    case 'loading':
      return <Spinner label="Checking the recipients…" />;
    case 'failed':
      if (state.signIn && signIn)
        return (
          <SignInOffer error={state.error} fault={state.signIn} signIn={signIn} onSignedIn={onSignedIn} />
        );
      return (
        <MessageBar intent="error" role="alert">
          <MessageBarBody>{state.error} Sending stays blocked until the check succeeds.</MessageBarBody>
        </MessageBar>
      );
    case 'ready':
      return <PlannedView ready={state} {...rest} />;
  }
}

type PlannedViewProps = { ready: Extract<PlanState, { status: 'ready' }> } & Omit<
  PaneContentProps,
  'state' | 'signIn' | 'onSignedIn'
>;

/** The service's notices, the classification, the plan with its button, and each recipient. */
function PlannedView(props: PlannedViewProps) {
  const { loaded, planned, refreshing } = props.ready;
  const { plan } = planned;
  const applied =
    loaded.applied && appliedToExactly(loaded.applied, planned.addresses) ? loaded.applied : undefined;
  const { problems, note } = useChecksBefore({
    plan,
    outline: props.outline,
    chosen: props.chosen,
    policy: loaded.policy,
    newMessages: props.newMessages,
  });
  // A split needs no passcode itself: each new message asks for one when it is protected.
  const ready = plan.action === 'split' || !needsPasscode(plan) || props.passcode.problem === undefined;
  return (
    <>
      <AnswerNotices answer={loaded.answer} keptNote={loaded.keptNote} />
      <ClassificationPicker
        policy={loaded.policy}
        chosen={props.chosen ?? chosenOf(loaded)}
        result={planned.classification}
        findings={planned.findings}
        truncated={planned.truncated}
        {...(loaded.label ? { label: loaded.label } : {})}
        {...(planned.thread ? { thread: planned.thread } : {})}
        onChoose={(name) => props.onChoose(name, loweringHeaders(name, planned.thread?.floor, loaded.policy))}
      />
      <PlanBar
        plan={planned.plan}
        {...(applied
          ? { appliedText: `Applied: ${PROTECTION_NAMES[applied.protection]} for these recipients.` }
          : {})}
        status={props.status}
        problems={problems}
        ready={ready}
        onApply={() => props.onApply(planned, loaded)}
        {...(plan.action === 'split' && props.onOpenWindow ? { onOpenWindow: props.onOpenWindow } : {})}
      >
        {plan.action === 'split' ? <SplitGroups plan={plan} {...(note ? { note } : {})} /> : null}
        {plan.action === 'escrow' ? (
          <PasscodeControl plan={planned.plan} applied={applied !== undefined} passcode={props.passcode} />
        ) : null}
      </PlanBar>
      {props.afterPlan}
      <RecipientList
        plan={planned.plan}
        answer={loaded.answer}
        refreshing={refreshing}
        onAcceptKey={props.onAcceptKey}
        viaList={listOf(loaded.recipients)}
      />
    </>
  );
}
