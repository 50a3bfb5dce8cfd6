/**
 * Fuzz: what recipients' domains and identity providers send the sign-in directory — WebFinger answers (RFC 7033
 * JRD), OpenID Connect discovery metadata and client registration answers (RFC 7591) — as the capped body
 * arrives, through parseJsonObject and each document's parser. Only SIGN_IN_REMOTE_FAILED may be thrown.
 */
import fc from 'fast-check';
import { parseMetadata, parseRegistration } from '../../src/server/escrow/sign-in/discovery';
import { parseJsonObject } from '../../src/server/escrow/sign-in/remote-json';
import { issuerFromJrd } from '../../src/server/escrow/sign-in/webfinger';
import { deepJson, textInputs } from './generators';
import { fuzzTest, refusedWith } from './runner';

const ISSUER = 'https://id.partner.example';
const jrd = JSON.stringify({
  subject: 'acct:ana@partner.example',
  links: [
    { rel: 'http://webfinger.net/rel/profile-page', href: 'https://partner.example/~ana' },
    { rel: 'http://openid.net/specs/connect/1.0/issuer', href: ISSUER },
  ],
});
const metadata = JSON.stringify({
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/auth`,
  token_endpoint: `${ISSUER}/token`,
  jwks_uri: `${ISSUER}/jwks`,
  registration_endpoint: `${ISSUER}/reg`,
  code_challenge_methods_supported: ['S256'],
});
const registration = JSON.stringify({
  client_id: 'abc',
  client_secret: 'xyz',
  redirect_uris: ['https://x/cb'],
});

const deep = deepJson([
  ['[', ']'],
  ['{"links":[', ']}'],
  ['{"a":', '}'],
]);

const documents = fc.oneof(
  textInputs(
    fc.constantFrom(jrd, metadata, registration),
    '{}[]":,\\/.:-htps ',
    fc.constantFrom(
      '[',
      '{',
      '"',
      '\\u0000',
      ' ',
      '"links":',
      '{"rel":"http://openid.net/specs/connect/1.0/issuer",',
      'https://',
    ),
  ),
  deep,
  fc.json({ maxDepth: 6 }),
);

/** Every parser the directory runs on a remote body; results are not compared, only errors and time count. */
function readRemote(text: string): void {
  const json = parseJsonObject(Buffer.from(text, 'utf8'), 'a fuzzed document');
  // Asked about whatever the document says it is about, so that its links are read too.
  issuerFromJrd(json, typeof json.subject === 'string' ? json.subject : 'acct:ana@example.org');
  for (const parse of [() => parseMetadata(json, ISSUER), () => parseRegistration(json)]) {
    refusedWith<unknown>('SIGN_IN_REMOTE_FAILED', parse);
  }
}

fuzzTest({
  name: 'sign-in remote documents',
  inputs: documents,
  size: (text) => Buffer.byteLength(text),
  parse: readRemote,
});
