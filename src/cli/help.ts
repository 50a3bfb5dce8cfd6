/**
 * Every command's --help text, apart from the commands themselves: `sendguard --help` and `sendguard <command>
 * --help` print them without loading a command, and with it the server, OpenPGP or schema code it runs on.
 */
import { DEFAULT_API_SCOPE, SEND_MODES } from '../core/deployment';
import { VKS_DEFAULT_BASE_URL } from '../core/key-server';

/** The options every network command shares (network-options.ts reads them). */
export const NETWORK_HELP = `  --dns HOST[:PORT]  the resolver to ask (SENDGUARD_DNS); its DNSSEC validation (AD bit) is trusted.
                     Default: /etc/resolv.conf, whose AD bit is trusted only for a loopback resolver
  --ca-file FILE     extra trusted CA certificates, PEM (SENDGUARD_CA_FILE)
  --allow-private    also connect to private and loopback addresses (SENDGUARD_ALLOW_PRIVATE=1)`;

export const CHECK_HELP = `Usage: sendguard check <domain|address>... [--json] [--dns HOST[:PORT]] [--ca-file FILE]
                      [--allow-private] [--timeout MS]

How safe forced TLS is for each recipient domain: MX hosts, STARTTLS, TLS version and certificate, DANE,
MTA-STS and TLS-RPT, and one verdict (authenticated, encrypted, weak, partial, none, broken, no-mail, unknown).
Beside it, how the domain's users reach their mail (mailbox access): the IMAP, POP3 and submission endpoints
its SRV records and autoconfig file advertise, or its recognised hosting provider, each probed for TLS and for
a password accepted before TLS, and one verdict (tls-only, tls-offered, plaintext, unknown).
  --json             one JSON array, one object per domain, its mailbox access as mailboxAccess
${NETWORK_HELP}
  --timeout MS       the deadline of each domain's whole check, both halves at once (default 10000)
Exit status: 0 when every domain's transport was assessed, 1 when any stayed unknown or was not a domain,
2 for a usage error. An unknown mailbox access alone does not change it: most domains advertise none.`;

export const HEADERS_HELP = `Usage: sendguard headers FILE.eml [--json]

Shows each hop of a received message as its Received lines record it: who handed it to whom, when, and
whether that hop used TLS, then one summary line and what the headers cannot prove.
  FILE.eml   the message, or only its headers (as "Show original" or "View source" shows them); - for stdin
  --json     one JSON object: { hops, summary, caveats }
Exit status: 0 when the report was made, 1 when the file cannot be read or holds no header block,
2 for a usage error.`;

export const KEYS_HELP = `Usage: sendguard keys <address>... [--json] [--armor] [--dns HOST[:PORT]] [--ca-file FILE]
                     [--allow-private] [--vks-url URL | --no-vks] [--keyring DIR] [--policy FILE] [--timeout MS]

Whether each address can receive OpenPGP: the key found (organisation keyring, web key directory, DNSSEC-signed
DNS, key server), whether it is usable under the policy, and why not when it is not.
  --json             one JSON array, one object per address
  --armor            also print each usable key, ASCII-armored
${NETWORK_HELP}
  --vks-url URL      the key server to ask last (default ${VKS_DEFAULT_BASE_URL}); --no-vks asks none
  --keyring DIR      the organisation's keyring: a directory of armored keys
  --policy FILE      the policy whose key rules apply (RSA size, legacy algorithms)
  --timeout MS       the deadline of each address's whole lookup (default 12000)
Exit status: 0 when every address was looked up, 1 when any lookup failed (unknown) or an address is invalid,
2 for a usage error.`;

export const MANIFEST_HELP = `Usage: sendguard manifest --base-url https://HOST [--send-mode ${SEND_MODES.join('|')}]
                         [--format xml|json|zip] [--out FILE] [--config FILE]
                         [--client-id GUID [--resource URI] [--scope NAME]]

Prints the Outlook add-in manifest for the service at --base-url (the service's publicUrl), ready to upload in
the Microsoft 365 admin centre (Settings → Integrated apps → Upload custom apps) or to sideload:
  --format xml   the add-in only manifest (the default); the service serves it at /manifest.xml
  --format json  the unified manifest for Microsoft 365; served at /manifest.json
  --format zip   the app package (manifest.json and its icons) to upload; served at /app-package.zip. It is
                 binary: give --out FILE, or redirect the output to a file.
--send-mode Block makes the on-send check strict: a sender cannot send a message it stops. Default SoftBlock.

With --config FILE (or SENDGUARD_CONFIG) the base URL, send mode, Entra sign-in (auth.entra) and publisher pages
come from the service's configuration; options given on the command line win, except that with auth.entra
--base-url must be the configuration's publicUrl (single sign-on works only there). Without a configuration, --client-id names the
add-in's app registration for Office single sign-on; --resource defaults to api://<host>/<client-id> and --scope to
${DEFAULT_API_SCOPE}, as in the service.`;

export const PLAN_HELP = `Usage: sendguard plan --to ADDRESS... [--cc ADDRESS...] [--bcc ADDRESS...]
                     --assessments FILE.json [--classification NAME] [--body FILE] [--policy FILE]
                     [--with-passcode] [--json]

Prints how each recipient would be protected and what happens to the message.
  --to, --cc, --bcc     recipients; repeat the option or separate addresses with commas
  --assessments FILE    domain and key assessments (see examples/assessments.json)
  --classification NAME the sender's choice; default: the policy's defaultClassification
  --body FILE           the message text: the content detectors may raise the classification
  --policy FILE         the organisation policy (YAML or JSON); default: SENDGUARD_POLICY or config/policy.yaml
  --with-passcode       the sender sets a passcode for secure pickup: it comes before a mailed code
  --json                machine-readable output
Exit status: 0 when the message can be sent as planned (send, tag, pgp, escrow), 3 for split, 4 for block,
1 when an input is invalid, 2 for a usage error.`;

export const SERVE_HELP = `Usage: sendguard serve [--config FILE]

Starts the service: the API, the Outlook manifest rendered for this deployment, the add-in files, the
try-it page and the secure-pickup portal. Settings come from --config FILE (or SENDGUARD_CONFIG) and the
environment (PORT, HOST, SENDGUARD_PUBLIC_URL, SENDGUARD_DATA_DIR, SENDGUARD_POLICY, SENDGUARD_DNS, …; see
README.md). Without a certificate configured, a development certificate is made in the data directory.`;

export const TOKEN_HELP = `Usage: sendguard token issue --name NAME [--owner "NAME <ADDRESS>"] [--role sender|admin] [--config FILE]
       sendguard token list [--config FILE]
       sendguard token revoke ID [--config FILE]

Manages API tokens in the store of the server's configuration (--config FILE, SENDGUARD_CONFIG): the
PostgreSQL database of database.url (SENDGUARD_DATABASE_URL) when set, so a token serves every node sharing it,
else the data directory (SENDGUARD_DATA_DIR). A token is printed once, when issued; only its hash is stored.
--owner names the person the token acts for, e.g. "Ana Example <ana@example.org>": secure pickup names them as
the sender of what it sends. A token without an owner has no mailbox, so its secure messages name only the token.`;

export const WHOAMI_HELP = `Usage: SENDGUARD_TOKEN=TOKEN sendguard whoami --url https://HOST[/PATH] [--ca-file FILE] [--json]

Asks the service at --url (its address as the add-in uses it, with any path prefix) who it thinks you are, with
a bearer token: an API token (sendguard token issue) or an Entra access token for the service's API. Prints the
name, mailbox and roles the service sees; secure pickup names that person as the sender.
  SENDGUARD_TOKEN the token; prefer it to --token, whose value other users of this machine can read in the
                  process list (ps)
  --token TOKEN   the token, when the environment cannot be used
  --ca-file FILE  trust this CA (PEM) for the service's certificate (SENDGUARD_CA_FILE), e.g. the
                  development certificate's CA in the data directory
  --json          print the service's answer as it is`;
