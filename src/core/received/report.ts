/**
 * The transport report of a message: its Received fields as hops in the order travelled, one summary by
 * the rules of docs/received-headers.md, and the caveats a reader needs to weigh it.
 */
import { fieldValues, splitHeaderBlock, type HeaderBlock } from './header-block';
import { parseReceived } from './received';
import type { Hop, ReceivedReport, TransportSummary } from './types';

/** Postfix stops relaying at 50 hops and Exim at 30; a message with more is a loop or an attack. */
export const MAX_HOPS = 100;

/** `all-tls` only when there is at least one network hop and each used TLS: no evidence is not good news. */
export function summarise(hops: Hop[]): TransportSummary {
  const network = hops.filter((hop) => hop.tls !== 'local');
  if (network.some((hop) => hop.tls === 'plain')) return 'some-plain';
  if (network.length === 0 || network.some((hop) => hop.tls === 'unknown')) return 'unknown';
  return 'all-tls';
}

const ALWAYS = [
  "Each server writes its own Received line and can make up the ones before it: only the lines written by your own organisation's servers can be trusted.",
  'TLS protects each hop between servers, not the message itself: every server on the way could read it.',
  "The times come from each server's own clock.",
];

/** More than a minute backwards: real clocks drift by seconds, and a hop cannot arrive before it left. */
function timesGoBackwards(hops: Hop[]): boolean {
  const times = hops.flatMap((hop) => (hop.date === null ? [] : [Date.parse(hop.date)]));
  return times.some((time, i) => i > 0 && time < times[i - 1]! - 60_000);
}

function caveats(hops: Hop[], received: number, truncated: boolean): string[] {
  const notes = [...ALWAYS];
  if (received === 0)
    notes.push(
      'The message has no Received lines: it has not passed through a mail server, or they were removed.',
    );
  if (received > hops.length)
    notes.push(
      `Only the newest ${hops.length} of ${received} Received lines were read; the oldest are not shown.`,
    );
  if (truncated)
    notes.push('The header block is larger than the reading limit; lines past it are not shown.');
  if (timesGoBackwards(hops))
    notes.push(
      "Some times go backwards from one hop to the next: a server's clock is wrong, or a line is forged.",
    );
  return notes;
}

export function reportFromHeaderBlock(block: HeaderBlock): ReceivedReport {
  const values = fieldValues(block, 'Received');
  // Each server prepends its field: the top ones, kept when there are too many, are the recipient side's own.
  const hops = values.slice(0, MAX_HOPS).map(parseReceived).reverse();
  return { hops, summary: summarise(hops), caveats: caveats(hops, values.length, block.truncated) };
}

/** The report for a raw message, or for its header block alone. */
export function receivedReport(rawMessageOrHeaders: string): ReceivedReport {
  return reportFromHeaderBlock(splitHeaderBlock(rawMessageOrHeaders));
}
