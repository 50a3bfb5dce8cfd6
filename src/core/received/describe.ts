/** The report in plain words, shared by the CLI and the read panes so that they say the same thing. */
import { plural } from '../english';
import type { Hop, HopTls, ReceivedReport } from './types';

const TLS_WORDS: Record<HopTls, string> = {
  'tls1.3': 'TLS 1.3',
  'tls1.2': 'TLS 1.2',
  'tls1.1': 'TLS 1.1',
  'tls1.0': 'TLS 1.0',
  tls: 'TLS, version not recorded',
  plain: 'NOT ENCRYPTED',
  local: 'local hand-off',
  unknown: 'TLS not recorded',
};

/** `TLS 1.3 (TLS_AES_256_GCM_SHA384)`, `TLS, recorded as SSLv3`, `NOT ENCRYPTED`. */
export function describeHopTls(hop: Hop): string {
  const words = hop.tls === 'tls' && hop.version ? `TLS, recorded as ${hop.version}` : TLS_WORDS[hop.tls];
  return hop.cipher ? `${words} (${hop.cipher})` : words;
}

function numbers(report: ReceivedReport, wanted: HopTls): string {
  const list = report.hops.flatMap((hop, i) => (hop.tls === wanted ? [String(i + 1)] : []));
  return `${list.length === 1 ? 'hop' : 'hops'} ${list.join(', ')}`;
}

function count(report: ReceivedReport, wanted: HopTls): number {
  return report.hops.filter((hop) => hop.tls === wanted).length;
}

/** One line, the answer to "did this message arrive encrypted?". */
export function describeSummary(report: ReceivedReport): string {
  const local = count(report, 'local');
  const network = report.hops.length - local;
  const aside = local === 0 ? '' : `; ${plural(local, 'local hand-off')} not counted`;
  switch (report.summary) {
    case 'all-tls':
      return `Encrypted on every hop the headers record (${network} of ${network})${aside}.`;
    case 'some-plain':
      return `NOT encrypted on ${count(report, 'plain')} of ${network} hops the headers record (${numbers(report, 'plain')})${aside}.`;
    case 'unknown':
      return network === 0
        ? `The headers record no hop between servers${aside}.`
        : `No hop is recorded as unencrypted, but ${count(report, 'unknown')} of ${network} do not record whether they used TLS (${numbers(report, 'unknown')})${aside}.`;
  }
}
