/**
 * The Policy page: the running policy edited as text, checked as the admin types, compared line by line with the
 * running one, previewed against the last days' decision records, and saved with a note — only once the check
 * found the text valid and the preview showed what it changes; then the history of saved versions, each opening
 * what it changed. Nothing reaches the service's running policy before Save.
 */
import { Text, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import type { AdminApi } from '../api';
import type { PageProps } from '../shell/page';
import { LoadedView, OutcomeBar, Section, type Outcome } from './PageParts';
import { PolicyDiff } from './PolicyDiff';
import { PolicyEditor } from './PolicyEditor';
import { PolicyHistory } from './PolicyHistory';
import { PolicyPreview, type Previewed } from './PolicyPreview';
import { PolicySave } from './PolicySave';
import type { PolicySaved, RunningPolicy } from './policy-wire';
import { usePolicyCheck, type PolicyCheckState } from './use-policy-check';
import { useLoaded } from './use-loaded';
import { shownTime } from './when';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXL },
});

function runningText(policy: RunningPolicy): string {
  if (policy.source === 'file')
    return `The running policy, version ${policy.version}, comes from the configuration file.`;
  const by = policy.savedBy ? ` by ${policy.savedBy}` : '';
  const at = policy.savedAt ? ` on ${shownTime(policy.savedAt)}` : '';
  const note = policy.note ? ` Note: ${policy.note}` : '';
  return `The running policy, version ${policy.version}, was saved from the console${by}${at}.${note}`;
}

/**
 * Why Save is not offered for `text` now, if it is not: only a text the check found valid and the preview showed
 * (that very text, not an earlier one) may be saved, so that what a change does is seen before it is in force.
 */
function notSavable(
  policy: RunningPolicy,
  text: string,
  check: PolicyCheckState,
  previewed: Previewed | undefined,
): string | undefined {
  if (text === policy.text) return 'Nothing to save: the text is the running policy.';
  if (check.state === 'checking') return 'Save waits for the check of the text as it is now.';
  if (check.state === 'failed') return 'Save waits for the check of the text, which could not be made.';
  if (!check.answer.valid) return 'Mend the problems listed under the editor to save.';
  if (previewed?.text !== text)
    return 'Preview the text as it is now to save it: see first what it would change.';
  return undefined;
}

/** One editing session on top of `policy`: remounted (the text starting afresh) whenever the running version changes. */
function PolicyWorkspace(props: {
  api: AdminApi;
  policy: RunningPolicy;
  onSaved: (saved: PolicySaved) => Promise<void>;
  onReload: () => Promise<void>;
}): JSX.Element {
  const { api, policy, onSaved, onReload } = props;
  const [text, setText] = useState(policy.text);
  const check = usePolicyCheck(api, text);
  const [previewed, setPreviewed] = useState<Previewed>();
  return (
    <>
      <Section title="Edit" id="policy-edit">
        <Text block>{runningText(policy)}</Text>
        <PolicyEditor text={text} onChange={setText} check={check} />
      </Section>
      <Section title="Changes" id="policy-changes">
        <PolicyDiff
          before={policy.text}
          after={text}
          against={`the running policy (version ${policy.version})`}
        />
      </Section>
      <PolicyPreview api={api} text={text} previewed={previewed} onPreviewed={setPreviewed} />
      <PolicySave
        api={api}
        text={text}
        baseRevision={policy.revision}
        notNow={notSavable(policy, text, check, previewed)}
        preview={previewed?.text === text ? previewed.answer : undefined}
        onSaved={onSaved}
        onReload={onReload}
      />
    </>
  );
}

function savedText(saved: PolicySaved): string {
  const restart = saved.restartNeeded?.length
    ? ` These settings take effect only after the service restarts: ${saved.restartNeeded.join(', ')}.`
    : ' Every node of the service now uses it.';
  return `The policy was saved as version ${saved.version}.${restart}`;
}

export default function PolicyPage({ api }: PageProps): JSX.Element {
  const styles = useStyles();
  const running = useLoaded(() => api.get<RunningPolicy>('/admin/policy'));
  const [outcome, setOutcome] = useState<Outcome>();
  const saved = async (answer: PolicySaved) => {
    setOutcome({ ok: true, text: savedText(answer) });
    await running.reload();
  };
  const reload = async () => {
    setOutcome(undefined);
    await running.reload();
  };
  return (
    <div className={styles.page}>
      <OutcomeBar outcome={outcome} />
      <LoadedView loaded={running} what="the running policy">
        {(policy) => (
          <>
            <PolicyWorkspace
              key={policy.revision}
              api={api}
              policy={policy}
              onSaved={saved}
              onReload={reload}
            />
            <PolicyHistory api={api} history={policy.history} />
          </>
        )}
      </LoadedView>
    </div>
  );
}
