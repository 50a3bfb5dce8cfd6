/**
 * What a Received field records about TLS: one table of the per-MTA notations of version and cipher (RFC 8314
 * §4.3 and the vendors' own), and the hop class a recorded version gives. Every pattern starts with a literal and
 * uses bounded character classes, so matching stays linear on hostile text.
 */
import type { HopTls } from './types';

export interface TlsRecord {
  version: string | null;
  cipher: string | null;
}

const CIPHER = '(?<cipher>[\\w-]{1,100})';
const VERSION = '(?<version>(?:TLS|SSL)v?[\\d._]{0,5})';

/** In order of preference: the first that matches wins, so the specific notations come before the generic. */
const TLS_NOTATIONS: RegExp[] = [
  // Postfix `(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) …)`; Postini: `(using TLSv1)`.
  new RegExp(`\\busing ${VERSION}(?: with cipher ${CIPHER})?`, 'i'),
  // Sendmail `(version=TLSv1.3 cipher=… bits=256 verify=NOT)`, Microsoft `(version=TLS1_2, cipher=…)`,
  // Gmail `(version=TLS1_3 cipher=… bits=128/128)`, Haraka 2 `(version=TLSv1.3 cipher=…)`.
  new RegExp(`\\bversion=(?<version>[\\w./]{1,20}),? {0,3}cipher=${CIPHER}`, 'i'),
  // Exim 4.92 and later: `with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384`.
  new RegExp(`\\(${VERSION}\\) tls ${CIPHER}`, 'i'),
  // Older Exim `(TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256)`, OpenSMTPD `(TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO)`
  // and `(…:256 verify=NO)`.
  new RegExp(`\\(${VERSION}:${CIPHER}:\\d{1,4}(?::[A-Z]{1,10}| verify=[A-Z]{1,10})?\\)`, 'i'),
  // Exim's log notation, which some received_header_text settings copy: `X=TLSv1.2:ECDHE-RSA-AES256-SHA:256`.
  new RegExp(`\\bX=${VERSION}:${CIPHER}`, 'i'),
  // Courier `(TLS: TLSv1.2,256bits,ECDHE-RSA-AES256-GCM-SHA384)`.
  new RegExp(`\\bTLS: (?<version>[\\w./]{1,20}),\\d{1,4}bits,${CIPHER}`, 'i'),
  // qmail's TLS patch and qpsmtpd, placed between `with` and the protocol: `with (ECDHE-RSA-AES256-GCM-SHA384
  // encrypted) SMTP`, `with (TLS_AES_256_GCM_SHA384 encrypted) ESMTPS`, `with (TLSv1.2:ECDHE-…:256 encrypted) esmtp`.
  new RegExp(`\\((?:${VERSION}:)?${CIPHER}(?::\\d{1,4})? encrypted\\)`, 'i'),
  // Broadcom (Symantec) Email Security.cloud, qmail underneath, without the parentheses: `with
  // ECDHE-RSA-AES256-GCM-SHA384 encrypted SMTP`.
  new RegExp(`\\b${CIPHER} encrypted (?:UTF8)?E?SMTP`, 'i'),
  // Cisco Secure Email (IronPort) `with ESMTP/TLS/AES256-GCM-SHA384`.
  new RegExp(`\\bE?SMTP/TLS/${CIPHER}`, 'i'),
  // Exchange 2007–2016: `with Microsoft SMTP Server (TLS) id 14.3.…`.
  /\bMicrosoft SMTP Server \(TLS\)/i,
  // RFC 8314 §4.3's `tls` clause, cipher only (Haraka 3: `id … envelope-from <…> tls TLS_AES_256_GCM_SHA384`).
  new RegExp(`\\btls ${CIPHER}`, 'i'),
  // A version alone in a comment beside the protocol: `with ESMTPS (TLS1.2)`, `with ESMTP (TLS)`.
  new RegExp(`\\(${VERSION}\\)`, 'i'),
];

export function findTls(text: string): TlsRecord | null {
  for (const pattern of TLS_NOTATIONS) {
    const match = pattern.exec(text);
    if (!match) continue;
    // A bare `TLS` (`with ESMTP (TLS)`) records the fact of TLS, not a version.
    const version = match.groups?.version ?? null;
    return {
      version: version && /^TLS$/i.test(version) ? null : version,
      cipher: match.groups?.cipher ?? null,
    };
  }
  return null;
}

/**
 * `TLSv1.3`, `TLS1_2`, `TLS1.1`, `TLS12`, `TLSv1` as a hop class; anything else recorded (`SSLv3`, a bare `TLS`,
 * OpenSSL's `TLSv1/SSLv3`, which names a cipher's family and not the version negotiated) says TLS without a
 * version.
 */
export function versionClass(version: string | null): HopTls {
  const match = /^TLSv?1(?:[._]?([0-3]))?$/i.exec(version ?? '');
  return match ? (`tls1.${match[1] ?? '0'}` as HopTls) : 'tls';
}
