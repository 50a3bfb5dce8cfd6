import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { parsePolicy, PolicyError, policyFormatOf, validatePolicy } from '../../src/core/policy/parse';
import { isInternal, overrideFor, requirementFor, classificationOf } from '../../src/core/policy/match';
import { DEFAULT_POLICY_FILE, defaultPolicy } from '../helpers/policy';

const shipped = () =>
  parsePolicy(readFileSync(DEFAULT_POLICY_FILE, 'utf8')) as unknown as Record<string, unknown>;

function issuesOf(document: unknown): Array<{ path: string; message: string }> {
  try {
    validatePolicy(document);
  } catch (error) {
    if (error instanceof PolicyError) return error.issues;
    throw error;
  }
  throw new Error('the policy was accepted');
}

describe('policy', () => {
  test('a policy file is read as JSON when its name ends in .json, else as YAML', () => {
    expect(policyFormatOf('/etc/sendguard/policy.json')).toBe('json');
    expect(policyFormatOf('policy.yaml')).toBe('yaml');
    expect(policyFormatOf('policy.json.yml')).toBe('yaml');
  });

  test('the shipped default policy is valid and fills the defaults', () => {
    const policy = defaultPolicy();
    expect(policy.classifications.map((c) => c.name)).toEqual(['normal', 'confidential', 'restricted']);
    expect(policy.onSend.backendUnreachable).toBe('block');
    expect(policy.internalDomains).toEqual(['example.gov', '*.example.gov']);
  });

  test('JSON and YAML give the same policy', () => {
    const policy = defaultPolicy();
    expect(parsePolicy(JSON.stringify(policy), 'json')).toEqual(policy);
    expect(parsePolicy(stringify(policy), 'yaml')).toEqual(policy);
  });

  test('an unknown key is refused with its path (a misspelt setting is not silently ignored)', () => {
    const document = { ...shipped(), escrow: { enabled: true, expiryDay: 3 } };
    expect(issuesOf(document)).toContainEqual(expect.objectContaining({ path: 'escrow' }));
    expect(JSON.stringify(issuesOf(document))).toContain('expiryDay');
  });

  test.each([
    [
      'classifications[1].requirement',
      (d: any) => (d.classifications[1].requirement = 'strong'),
      'classifications[1].requirement',
    ],
    [
      'tls for end-to-end',
      (d: any) => (d.classifications[2].prefer = ['tls', 'pgp']),
      'classifications[2].prefer[0]',
    ],
    [
      'duplicate preference',
      (d: any) => (d.classifications[0].prefer = ['pgp', 'pgp']),
      'classifications[0].prefer[1]',
    ],
    ['detector → unknown classification', (d: any) => (d.detectors.ssn = 'secret'), 'detectors.ssn'],
    ['label → unknown classification', (d: any) => (d.labels.Public = 'open'), 'labels.Public'],
    ['unknown default', (d: any) => (d.defaultClassification = 'secret'), 'defaultClassification'],
    ['acceptable verdict none', (d: any) => (d.transport.acceptable = ['none']), 'transport.acceptable[0]'],
    ['bad internal domain', (d: any) => (d.internalDomains = ['exa mple.gov']), 'internalDomains[0]'],
    ['tag without subject or header', (d: any) => (d.tag = {}), 'tag'],
    ['header not X-', (d: any) => (d.tag.header.name = 'Subject'), 'tag.header.name'],
    [
      'duplicate classification',
      (d: any) => (d.classifications[1].name = 'normal'),
      'classifications[1].name',
    ],
    [
      'duplicate domain override',
      (d: any) => (d.domains = [{ domain: 'A.example' }, { domain: 'a.example' }]),
      'domains[1].domain',
    ],
    [
      'escrow preferred while off',
      (d: any) => (d.escrow = { enabled: false }),
      'classifications[0].prefer[2]',
    ],
    ['wrong schema version', (d: any) => (d.schema = 2), 'schema'],
    [
      'proofs for an unknown classification',
      (d: any) => (d.escrow = { enabled: true, proofs: { secret: ['sign-in'] } }),
      'escrow.proofs.secret',
    ],
    [
      'a proof that is none of the three',
      (d: any) => (d.escrow = { enabled: true, proofs: { restricted: ['sms'] } }),
      'escrow.proofs.restricted[0]',
    ],
    [
      'no proof at all',
      (d: any) => (d.escrow = { enabled: true, proofs: { restricted: [] } }),
      'escrow.proofs.restricted',
    ],
    [
      'a proof listed twice',
      (d: any) => (d.escrow = { enabled: true, proofs: { restricted: ['passcode', 'passcode'] } }),
      'escrow.proofs.restricted[1]',
    ],
    [
      'a code transport that is no verdict',
      (d: any) => (d.escrow = { enabled: true, codeTransport: ['verified'] }),
      'escrow.codeTransport[0]',
    ],
    [
      'a code transport listed twice',
      (d: any) => (d.escrow = { enabled: true, codeTransport: ['authenticated', 'authenticated'] }),
      'escrow.codeTransport[1]',
    ],
  ])('a bad field (%s) fails with its path', (_name, change, path) => {
    const document = shipped();
    change(document);
    expect(issuesOf(document).map((i) => i.path)).toContain(path);
  });

  test('secure pickup accepts every proof, and a code over authenticated TLS only, unless the policy says otherwise', () => {
    expect(defaultPolicy().escrow).toMatchObject({ proofs: {}, codeTransport: ['authenticated'] });
    const policy = validatePolicy({
      ...shipped(),
      escrow: {
        enabled: true,
        proofs: { restricted: ['sign-in', 'passcode'] },
        codeTransport: ['encrypted'],
      },
    });
    expect(policy.escrow).toEqual({
      enabled: true,
      expiryDays: 30,
      proofs: { restricted: ['sign-in', 'passcode'] },
      codeTransport: ['encrypted'],
    });
  });

  test('invalid YAML and oversize documents are refused as a whole', () => {
    expect(() => parsePolicy('schema: [1', 'yaml')).toThrow(/not valid YAML/);
    expect(() => parsePolicy('{', 'json')).toThrow(/not valid JSON/);
    expect(() => parsePolicy(' '.repeat(1024 * 1024 + 1))).toThrow(/over 1048576 bytes/);
  });

  test('a YAML alias bomb is refused, not expanded', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    expect(() => parsePolicy(bomb.join('\n'))).toThrow(/alias/i);
  });

  test('a long chain of aliases is refused before it is composed; stars in scalars are no aliases', () => {
    const chain = ['a0: &a0 [x, x]'];
    for (let i = 1; i < 180; i++) chain.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}]`);
    expect(() => parsePolicy(chain.join('\n'))).toThrow(/holds more than 200 aliases/);
    // Three hundred stars, none an alias: read as before (and refused by the schema for the unknown key alone).
    const stars = `notes: [${Array.from({ length: 300 }, (_, i) => `"*.d${i}.example"`).join(', ')}]`;
    expect(() => parsePolicy(stars)).toThrow(/notes/);
    expect(() => parsePolicy(stars)).not.toThrow(/aliases/);
  });

  test('internal domains: exact names and wildcard sub-domains, IDN compared as A-labels', () => {
    const policy = validatePolicy({ ...shipped(), internalDomains: ['Bücher.example', '*.corp.example'] });
    expect(isInternal('xn--bcher-kva.example', policy)).toBe(true);
    expect(isInternal('mail.eu.corp.example', policy)).toBe(true);
    expect(isInternal('corp.example', policy)).toBe(false);
    expect(isInternal('evilcorp.example', policy)).toBe(false);
  });

  test('domain overrides: the exact name beats a wildcard, and a floor raises the requirement', () => {
    const policy = validatePolicy({
      ...shipped(),
      domains: [
        { domain: '*.bank.example', requirement: 'transport' },
        { domain: 'clinic.bank.example', requirement: 'end-to-end' },
      ],
    });
    expect(overrideFor('clinic.bank.example', policy)?.requirement).toBe('end-to-end');
    expect(overrideFor('www.bank.example', policy)?.requirement).toBe('transport');
    const normal = classificationOf('normal', policy);
    expect(requirementFor(normal, 'clinic.bank.example', policy)).toBe('end-to-end');
    expect(requirementFor(normal, 'other.example', policy)).toBe('none');
  });

  test('the nesting guard counts levels, not columns, and leaves JSON to JSON.parse', () => {
    // A JSON policy on one line with ": " separators (Python's json.dumps default) is 80 indicators on one line.
    const wide = defaultPolicy();
    for (let i = 0; i < 10; i++)
      wide.classifications.push({ ...wide.classifications[0]!, name: `extra-${i}` });
    const oneLine = JSON.stringify(wide).replace(/":/g, '": ').replace(/,"/g, ', "');
    expect(parsePolicy(oneLine, 'json').classifications).toHaveLength(wide.classifications.length);
    // A block scalar indented 70 columns is one level deeper than its key, not 70.
    const yaml = `${stringify(defaultPolicy())}\nnote: |\n${' '.repeat(70)}indented text\n`;
    expect(() => parsePolicy(yaml)).not.toThrow(/deep/);
  });
});
