/**
 * The shapes of the `sendguard headers` contract (docs/received-headers.md): what each hop and the whole report say.
 */

/**
 * What a hop's Received field records about its transport, best first. `tls1.x` when the version is recorded,
 * `tls` when only the fact of TLS is, `plain` for a network SMTP hop recorded without TLS, `local` when the hop
 * did not cross a network, `unknown` when the protocol or its TLS is not recorded.
 */
export const HOP_TLS = ['tls1.3', 'tls1.2', 'tls1.1', 'tls1.0', 'tls', 'plain', 'local', 'unknown'] as const;
export type HopTls = (typeof HOP_TLS)[number];

export const TRANSPORT_SUMMARIES = ['all-tls', 'some-plain', 'unknown'] as const;
export type TransportSummary = (typeof TRANSPORT_SUMMARIES)[number];

export interface Hop {
  /** The sending host as the from clause names it (often the client's own HELO claim); null when absent. */
  from: string | null;
  /** The receiving host that wrote this field. */
  by: string | null;
  /** The protocol of the with clause (`ESMTPS`, `Microsoft SMTP Server`, `mapi`). */
  with: string | null;
  id?: string;
  for?: string;
  /** The date the receiving server stamped, as ISO 8601 UTC; null when absent or unparsable. */
  date: string | null;
  /** The date text as written, kept so that an unparsable date is still shown. */
  dateRaw: string | null;
  tls: HopTls;
  /** The TLS version as the server wrote it (`TLSv1.3`, `TLS1_2`); null when not recorded. */
  version: string | null;
  cipher: string | null;
  /** The connecting client's IP address as the receiving server recorded it (not the HELO name). */
  fromAddress?: string;
  /** The unfolded field value. */
  raw: string;
}

export interface ReceivedReport {
  /** In the order the message travelled: oldest first. */
  hops: Hop[];
  summary: TransportSummary;
  /** What the headers cannot prove, in plain words. */
  caveats: string[];
}
