/**
 * The privacy and terms pages the unified manifest names when the organisation gives none of its own
 * (`publisher` in the configuration): what this software keeps, and that the organisation running it sets the
 * terms. Short and true of every deployment; anything more is the organisation's to say.
 */
import { DECISION_LIMITS } from '../../core/decisions/limits';
import { htmlPage } from './page';

export const PRIVACY_PATH = '/privacy';
export const TERMS_PATH = '/terms';

const PRIVACY = htmlPage(
  'Sendguard: privacy',
  `<h1>What this Sendguard service keeps</h1>
<p>This service is run by your organisation, on a server it chooses; it is not a service of Sendguard's makers.
Your organisation's own privacy statement applies too.</p>
<p>Before you send, the add-in sends the service the addresses of the message's recipients, never the message
itself, and the service answers how each recipient's copy can be protected. It keeps, in one SQLite database on
that server:</p>
<ul>
<li>for each address it was asked about, the verdict on its OpenPGP key (where the key was found, its
fingerprint, the key itself), until the verdict expires;</li>
<li>the keys pinned for recipients, and the keys your organisation vouches for;</li>
<li>API tokens for Thunderbird and scripts, as hashes only, with the name and owner given when each was
issued;</li>
<li>for secure pickup: each message as ciphertext the service cannot decrypt (the key is only in the link the
recipient receives), its sender and recipients, the state of the one-time codes, and an audit of what happened
to it (code sent, opened, downloaded, replied) with the time, IP address and browser, the last two blanked after
30 days by default. Expired and revoked messages are erased.</li>
<li>a record of every send check: when, who sent it, each recipient, the protection each got (forced TLS,
OpenPGP, secure pickup or blocked), the verdicts on each recipient's domain and key, and the message's
classification; never its subject, text or attachments. Sender and recipient addresses are kept as pseudonyms (a
keyed hash, with each recipient's domain readable) unless your organisation turns full addresses on. Each record
is erased after the number of days set as <code>decisions.retentionDays</code>, ${DECISION_LIMITS.retentionDaysDefault} by default;</li>
<li>each version of the sending policy saved through the admin console, with who saved it, when, and their
note.</li>
</ul>
<p>Signed in with Microsoft Entra ID, the service reads your name, address and account ID from your sign-in token
on each request. It keeps who you are only with what you do: as the sender of a secure-pickup message you send,
and as who accepted a recipient's changed key or added a key.</p>
<p>Its logs carry no message content, tokens or recipient addresses.</p>`,
);

const TERMS = htmlPage(
  'Sendguard: terms of use',
  `<h1>Terms of use</h1>
<p>This Sendguard service is run by your organisation, which sets the terms on which you may use it: ask its
administrators.</p>
<p>What it does: before you send, it tells you how each recipient's copy will be protected (forced TLS, OpenPGP or
a secure-pickup link) and stops messages that would leave less protected than your organisation's policy
requires. Its answers rest on what the recipients' mail servers and key directories publish when it checks.</p>`,
);

/** Each page's path and its HTML. */
export const POLICY_PAGES: Readonly<Record<string, string>> = {
  [PRIVACY_PATH]: PRIVACY,
  [TERMS_PATH]: TERMS,
};
