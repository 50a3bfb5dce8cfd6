/**
 * Fuzz: JSON that crosses a boundary — the assess answer the add-ins read (readAssessAnswer, which must accept
 * exactly what the AssessAnswer schema accepts), assessment files for `sendguard plan`, and the decrypted escrow
 * manifests — from valid documents mutated, deep nesting and arbitrary JSON.
 */
import fc from 'fast-check';
import { readAssessAnswer } from '../../src/core/evaluate/answer';
import { MessageManifest, ReplyManifest } from '../../src/core/escrow/wire';
import { AssessAnswer, Assessments } from '../../src/core/wire';
import { deepJson, textInputs } from './generators';
import { fuzzTest } from './runner';

const answer = JSON.stringify({
  policyVersion: 'a'.repeat(64),
  partial: false,
  recipients: [
    {
      input: 'Ann <ann@partner.example>',
      address: 'ann@partner.example',
      domain: 'partner.example',
      internal: false,
      transport: {
        domain: 'partner.example',
        verdict: 'encrypted',
        reasons: ['no MTA-STS policy'],
        mailboxAccess: {
          verdict: 'tls-offered',
          reasons: ['imap.partner.example:143 accepts a password before STARTTLS'],
        },
      },
      key: { address: 'ann@partner.example', verdict: 'none', reasons: ['no key published'] },
    },
  ],
  invalid: [{ input: 'bad', reason: 'has no @: it is not an email address' }],
  replyPath: { domain: 'example.gov', verdict: 'authenticated', reasons: ['DANE'] },
});
const manifest = JSON.stringify({
  v: 1,
  subject: 'Claim 4711',
  html: '<p>Hi</p>',
  text: 'Hi',
  attachments: [{ name: 'a.pdf', type: 'application/pdf', size: 10, salt: 'A'.repeat(22) }],
});

const deep = deepJson([
  ['[', ']'],
  ['{"a":', '}'],
  ['{"recipients":[', ']}'],
]);

const documents = fc.oneof(
  textInputs(
    fc.constantFrom(answer, manifest),
    '{}[]":,\\0-9.eE-tfn ',
    fc.constantFrom('[', '{', '"', '\\u0000', ' ', '1', ',', '"a":'),
  ),
  deep,
  fc.json({ maxDepth: 6 }),
);

class SchemasDisagree extends Error {}

/** The readers as the code uses them; a JSON syntax error is what every caller catches and reports. */
function readWire(text: string): void {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) return;
    throw error;
  }
  const bySchema = AssessAnswer.safeParse(document).success;
  let byHand = true;
  try {
    readAssessAnswer(document);
  } catch {
    byHand = false;
  }
  if (bySchema !== byHand) {
    throw new SchemasDisagree(`readAssessAnswer ${byHand ? 'accepts' : 'refuses'} what the schema does not`);
  }
  Assessments.safeParse(document);
  MessageManifest.safeParse(document);
  ReplyManifest.safeParse(document);
}

fuzzTest({
  name: 'wire JSON',
  inputs: documents,
  size: (text) => Buffer.byteLength(text),
  parse: readWire,
});
