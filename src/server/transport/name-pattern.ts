/**
 * The one rule for a host name against a pattern that may start with a wildcard: an MTA-STS policy's `mx` line
 * (RFC 8461 §4.1) and a certificate's dNSName (RFC 6125 §6.4.3, which RFC 8461 §4.2 and RFC 7672 §3.2.3 apply to
 * MX certificates) are matched alike, so a name one check accepts the other cannot refuse.
 */

/**
 * Whether `hostname` matches `pattern`; both lower-case A-labels without the root dot.
 *
 * - Without `*`, the names must be equal.
 * - `*` may only be the whole left-most label, and stands for exactly one label (RFC 8461 §4.1: `*.example.com`
 *   matches `mx.example.com`, neither `example.com` nor `a.b.example.com`). Partial-label wildcards (`m*.example`)
 *   are refused: RFC 6125 §6.4.3 lets a client refuse them, and RFC 8461's grammar has none.
 * - At least two labels must follow the wildcard (RFC 6125 §7.2, CA/Browser Forum baseline requirements): `*.com`
 *   would vouch for every host under a top-level domain, which no one may own, so it matches nothing.
 */
export function matchesNamePattern(pattern: string, hostname: string): boolean {
  if (!pattern.includes('*')) return pattern === hostname;
  if (!pattern.startsWith('*.')) return false;
  const parent = pattern.slice(2);
  const labels = parent.split('.');
  if (parent.includes('*') || labels.length < 2 || labels.includes('')) return false;
  const dot = hostname.indexOf('.');
  const label = hostname.slice(0, dot);
  return dot > 0 && !label.includes('*') && hostname.slice(dot + 1) === parent;
}
