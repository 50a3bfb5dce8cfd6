/**
 * Domains: look up a recipient domain (`GET /admin/domains/:domain`) and read its full transport report, when
 * its verdict last changed, and its override in the running policy, which can be set or removed here.
 */
import { Button, Field, Input, Text, makeStyles, tokens } from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import type { DomainOverride } from '../../core/policy/schema';
import type { TransportVerdict } from '../../core/vocabulary';
import type { DomainAssessment } from '../../core/wire';
import type { AdminApi } from '../api';
import type { PageProps } from '../shell/page';
import { DomainsOverride } from './DomainsOverride';
import { DomainsReport } from './DomainsReport';
import { LoadedView, OutcomeBar, Section, type Outcome } from './PageParts';
import { useLoaded } from './use-loaded';
import { shownTime } from './when';

export interface AdminDomain {
  report: DomainAssessment;
  lastChange?: { from: TransportVerdict | null; to: TransportVerdict; at: string };
  override?: DomainOverride;
}

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXL },
  lookup: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  domain: { minWidth: '22rem' },
});

function lastChangeText(change: AdminDomain['lastChange']): string {
  if (!change) return 'No verdict change recorded yet.';
  if (change.from === null) return `First recorded as ${change.to} on ${shownTime(change.at)}.`;
  return `Changed from ${change.from} to ${change.to} on ${shownTime(change.at)}.`;
}

/** One looked-up domain; a new lookup mounts a new one (keyed by the domain). */
function DomainView({ api, domain }: { api: AdminApi; domain: string }): JSX.Element {
  const answer = useLoaded(() => api.get<AdminDomain>(`/admin/domains/${encodeURIComponent(domain)}`));
  const [saved, setSaved] = useState<Outcome>();
  return (
    <LoadedView loaded={answer} what={`the report for ${domain}`}>
      {({ report, lastChange, override }) => (
        <>
          <Section title={`Report for ${report.domain}`} id="domain-report">
            <DomainsReport report={report} />
          </Section>
          <Section title="Last verdict change" id="domain-change">
            <Text as="p">{lastChangeText(lastChange)}</Text>
          </Section>
          <Section title="Override" id="domain-override">
            <OutcomeBar outcome={saved} />
            <DomainsOverride
              // A new override read from the service starts the form afresh from it.
              key={JSON.stringify(override ?? null)}
              api={api}
              domain={report.domain}
              override={override}
              onChanged={(outcome) => {
                setSaved(outcome);
                void answer.reload();
              }}
            />
          </Section>
        </>
      )}
    </LoadedView>
  );
}

export default function DomainsPage({ api }: PageProps): JSX.Element {
  const styles = useStyles();
  const [typed, setTyped] = useState('');
  const [domain, setDomain] = useState<string>();
  const lookUp = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = typed.trim();
    const asked = trimmed.slice(trimmed.lastIndexOf('@') + 1).toLowerCase();
    if (asked) setDomain(asked);
  };
  return (
    <div className={styles.page}>
      <form className={styles.lookup} onSubmit={lookUp} role="search" aria-label="Look up a domain">
        <Field label="Domain or address" hint="e.g. example.org or ana@example.org">
          <Input
            className={styles.domain}
            value={typed}
            onChange={(_, data) => setTyped(data.value)}
            spellCheck={false}
          />
        </Field>
        <Button appearance="primary" type="submit" disabled={typed.trim() === ''}>
          Look up
        </Button>
      </form>
      {domain ? <DomainView key={domain} api={api} domain={domain} /> : null}
    </div>
  );
}
