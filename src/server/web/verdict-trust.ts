/**
 * Writes the deployment's verdict public key and its name into the send handler as it is served, over the
 * placeholders its build carries (core/signed/statement.ts), as the base URL is written into it: classic Outlook
 * runs the handler without a page, so it has no other way to learn them.
 */
import {
  DEPLOYMENT_PLACEHOLDER,
  VERDICT_KEY_PLACEHOLDER,
  type VerdictTrust,
  unicodeEscape,
} from '../../core/signed/statement';

/**
 * The text as it may stand inside a JavaScript string literal of either quote: a base64 key and a URL (whose parser
 * percent-encodes control characters) need only quotes and backslashes escaped.
 */
const inLiteral = (text: string) => text.replace(/[\\'"\u2028\u2029]/g, unicodeEscape);

export function withVerdictTrust(code: string, trust: VerdictTrust): string {
  return code
    .split(VERDICT_KEY_PLACEHOLDER)
    .join(inLiteral(trust.publicKey))
    .split(DEPLOYMENT_PLACEHOLDER)
    .join(inLiteral(trust.deployment));
}
