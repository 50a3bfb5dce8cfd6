/**
 * Preview: the decision records of the last days replayed under the running policy and under the edited text,
 * nothing saved. Messages per action (a chart and its table), recipients per protection, and the domains whose
 * recipients move from one protection to another, each table with its CSV. A preview of an older text says so.
 */
import {
  Button,
  Field,
  MessageBar,
  MessageBarBody,
  SpinButton,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { AdminApi } from '../api';
import { failureText } from './failure-text';
import { Section } from './PageParts';
import {
  DOMAIN_COLUMNS,
  actionRows,
  beforeAfterColumns,
  protectionRows,
  type BeforeAfterRow,
} from './policy-preview-rows';
import { PolicyPreviewChart } from './PolicyPreviewChart';
import type { PolicyPreview as PreviewAnswer } from './policy-wire';
import { RowsTable } from './RowsTable';
import { useAction } from './use-action';
import { shownTime } from './when';

const PREVIEW_DAYS = 30;

const useStyles = makeStyles({
  form: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'end', flexWrap: 'wrap' },
  results: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
});

/** An answer with the text it is for: a preview of an older text says so, and Save wants one of its own text. */
export type Previewed = { text: string; answer: PreviewAnswer };

const ACTION_COLUMNS = beforeAfterColumns('Action');
const PROTECTION_COLUMNS = beforeAfterColumns('Protection');
const byName = (row: BeforeAfterRow) => row.name;

/** The preview in one sentence: here, and beside Save. */
export function previewSummary(answer: PreviewAnswer): string {
  // A record is a send check, sent or stopped (blocked), not a message that left.
  const checks = answer.messages === 1 ? '1 send check' : `${answer.messages} send checks`;
  const changed =
    answer.changedMessages === 0
      ? 'none would be sent differently under the edited policy.'
      : `${answer.changedMessages} would be sent differently under the edited policy.`;
  return `Replayed ${checks} from ${shownTime(answer.from)} to ${shownTime(answer.to)}: ${changed}`;
}

function PreviewSummary({ previewed }: { previewed: Previewed }): JSX.Element {
  return (
    <Text block role="status">
      {previewSummary(previewed.answer)}
    </Text>
  );
}

function PreviewResults({ previewed }: { previewed: Previewed }): JSX.Element {
  const styles = useStyles();
  const actions = actionRows(previewed.answer);
  return (
    <div className={styles.results}>
      <PreviewSummary previewed={previewed} />
      <Section title="Messages per action" id="preview-actions" level={3}>
        {/* With nothing replayed, bars of nought say less than the table's noughts. */}
        {previewed.answer.messages > 0 ? <PolicyPreviewChart rows={actions} /> : null}
        <RowsTable
          caption="Messages per action"
          columns={ACTION_COLUMNS}
          rows={actions}
          rowKey={byName}
          fileName="preview-messages-per-action.csv"
          empty="No messages to replay."
        />
      </Section>
      <Section title="Recipients per protection" id="preview-protections" level={3}>
        <RowsTable
          caption="Recipients per protection"
          columns={PROTECTION_COLUMNS}
          rows={protectionRows(previewed.answer)}
          rowKey={byName}
          fileName="preview-recipients-per-protection.csv"
          empty="No recipients to replay."
        />
      </Section>
      <Section title="Domains that move" id="preview-domains" level={3}>
        <RowsTable
          caption="Domains whose recipients would move to another protection"
          columns={DOMAIN_COLUMNS}
          rows={previewed.answer.domains}
          rowKey={(d) => `${d.domain} ${d.from} ${d.to}`}
          fileName="preview-domains.csv"
          empty="No domain's recipients would move to another protection."
        />
      </Section>
    </div>
  );
}

/** The preview's answer is kept by the caller, which offers Save only for a text previewed. */
export function PolicyPreview(props: {
  api: AdminApi;
  text: string;
  previewed: Previewed | undefined;
  onPreviewed: (previewed: Previewed) => void;
}): JSX.Element {
  const { api, text, previewed, onPreviewed } = props;
  const styles = useStyles();
  const [days, setDays] = useState(PREVIEW_DAYS);
  const { working, failure, start } = useAction(
    async () => {
      const answer = await api.send<PreviewAnswer>('POST', '/admin/policy/preview', { text, days });
      onPreviewed({ text, answer });
    },
    (error) => failureText('preview the edited policy', error),
  );
  return (
    <Section title="Preview" id="policy-preview">
      <Text block>
        Replays the decision records of the last days under the running policy and under the edited text, to
        show what would have been sent differently. Nothing is saved.
      </Text>
      <div className={styles.form}>
        <Field label="Days of decision records">
          <SpinButton
            value={days}
            min={1}
            max={365}
            onChange={(_, data) => {
              const value = data.value ?? Number(data.displayValue);
              if (Number.isInteger(value) && value >= 1 && value <= 365) setDays(value);
            }}
          />
        </Field>
        <Button appearance="primary" disabled={working} onClick={() => void start()}>
          {working ? 'Previewing…' : 'Preview'}
        </Button>
      </div>
      {failure ? (
        <MessageBar intent="error" role="alert">
          <MessageBarBody>{failure}</MessageBarBody>
        </MessageBar>
      ) : null}
      {previewed && previewed.text !== text ? (
        <MessageBar intent="warning">
          <MessageBarBody>
            The text changed since this preview, which shows the text as it was then. Press Preview again to
            see the current text.
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {previewed ? <PreviewResults previewed={previewed} /> : null}
    </Section>
  );
}
