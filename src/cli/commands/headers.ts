/** `sendguard headers`: how a received message travelled, hop by hop, as its Received lines record it. */
import { parseArgs } from 'node:util';
import {
  describeHopTls,
  describeSummary,
  reportFromHeaderBlock,
  splitHeaderBlock,
  type Hop,
  type ReceivedReport,
} from '../../core/received';
import { HEADERS_HELP } from '../help';
import { readInput, UsageError, type CliIo } from '../io';

/**
 * Header text is written by strangers: control characters could drive the terminal and bidirectional overrides
 * could reorder what the reader sees, so the human report shows them as `?`.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const safe = (text: string) => text.replace(UNSAFE, '?');

function when(hop: Hop): string {
  if (hop.date) return hop.date.replace('T', ' ');
  return hop.dateRaw ? `unreadable date "${hop.dateRaw}"` : 'no date';
}

/** `from → by`; a field with neither (qmail's `(qmail 1234 invoked by uid 89)`) is shown as written. */
function route(hop: Hop): string {
  if (hop.from === null && hop.by === null) return hop.raw.split(';')[0]!.slice(0, 60);
  return `${hop.from ?? '(sender not recorded)'} → ${hop.by ?? '(receiver not recorded)'}`;
}

export function formatHeadersReport(report: ReceivedReport): string {
  const routes = report.hops.map((hop, i) => `${i + 1}. ${safe(route(hop))}`);
  const routeWidth = Math.max(0, ...routes.map((route) => route.length));
  const transports = report.hops.map((hop) => safe(describeHopTls(hop)));
  const transportWidth = Math.max(0, ...transports.map((transport) => transport.length));
  const hops = report.hops.map(
    (hop, i) =>
      `  ${routes[i]!.padEnd(routeWidth)}  ${transports[i]!.padEnd(transportWidth)}  ${safe(when(hop))}`,
  );
  const lines = [
    ...(hops.length > 0 ? ['Hops, oldest first, as the Received lines record them:', ...hops, ''] : []),
    describeSummary(report),
    '',
    'What the headers cannot prove:',
    ...report.caveats.map((caveat) => `  - ${caveat}`),
  ];
  return `${lines.join('\n')}\n`;
}

export async function headersCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(`give exactly one FILE.eml\n\n${HEADERS_HELP}`);
  const file = positionals[0]!;
  const block = splitHeaderBlock(
    // CliIo reads paths only; /dev/stdin serves `-` on Linux and macOS.
    await readInput(io, file === '-' ? '/dev/stdin' : file),
  );
  if (block.fields.length === 0) throw new UsageError(`${file}: no header block (no "Name: value" line)`, 1);
  const report = reportFromHeaderBlock(block);
  io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatHeadersReport(report));
  return 0;
}
