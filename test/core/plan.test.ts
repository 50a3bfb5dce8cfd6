import { planMessage } from '../../src/core/plan';
import { validatePolicy } from '../../src/core/policy/parse';
import { defaultPolicy } from '../helpers/policy';
import { scenario, type Party } from '../helpers/plan-fixtures';

function plan(parties: Party[], classification: string, policy = defaultPolicy()) {
  return planMessage({ ...scenario(parties), classification, policy });
}

describe('plan: worked examples', () => {
  test('a normal message goes as usual, even to a domain without TLS', () => {
    const p = plan([{ address: 'a@plain.example', transport: 'none', key: 'none' }], 'normal');
    expect(p.action).toBe('send');
    expect(p.recipients[0]?.protection).toBe('none');
  });

  test('confidential to domains with good TLS is tagged for forced TLS', () => {
    const p = plan(
      [
        { address: 'a@dane.example', transport: 'authenticated', key: 'none' },
        { address: 'b@tls.example', transport: 'encrypted', key: 'none' },
      ],
      'confidential',
    );
    expect(p.action).toBe('tag');
    expect(p.recipients.map((r) => r.protection)).toEqual(['tls', 'tls']);
    expect(p.summary).toContain('"#secure#"');
    expect(p.recipients[1]?.reason).toContain('nothing authenticates it');
  });

  test('a partial domain cannot take forced TLS: the message falls back to secure pickup', () => {
    const p = plan(
      [
        { address: 'a@tls.example', transport: 'encrypted', key: 'none' },
        { address: 'b@partial.example', transport: 'partial', key: 'none' },
      ],
      'confidential',
    );
    expect(p.action).toBe('escrow');
    expect(p.recipients[1]?.reason).toMatch(
      /Secure pickup, because .*partial\.example has mail servers that do not offer TLS/,
    );
  });

  test('restricted with keys for everyone is OpenPGP; forced TLS is refused as hop-by-hop only', () => {
    const p = plan([{ address: 'a@dane.example', transport: 'authenticated', key: 'valid' }], 'restricted');
    expect(p.action).toBe('pgp');
    expect(p.recipients[0]?.refused.tls).toContain('each hop only');
  });

  test('mixed keys under restricted: split into OpenPGP and secure pickup, everyone once', () => {
    const p = plan(
      [
        { address: 'a@x.example', transport: 'authenticated', key: 'valid' },
        { address: 'b@y.example', transport: 'authenticated', key: 'none' },
      ],
      'restricted',
      defaultPolicy({ escrow: { enabled: true, expiryDays: 30 } }),
    );
    // escrow serves both, so one body still works: the first shared candidate wins over a split.
    expect(p.action).toBe('escrow');
  });

  test('split when no protection serves everyone', () => {
    const policy = validatePolicy({
      ...defaultPolicy(),
      escrow: { enabled: false },
      classifications: [
        { name: 'normal', requirement: 'none', prefer: ['tls', 'pgp'] },
        { name: 'confidential', requirement: 'transport', prefer: ['tls', 'pgp'] },
        { name: 'restricted', requirement: 'end-to-end', prefer: ['pgp'] },
      ],
    });
    const p = plan(
      [
        { address: 'a@tls.example', transport: 'encrypted', key: 'none' },
        { address: 'b@notls.example', transport: 'none', key: 'valid' },
      ],
      'confidential',
      policy,
    );
    expect(p.action).toBe('split');
    expect(p.groups).toEqual([
      { protection: 'tls', action: 'tag', addresses: ['a@tls.example'] },
      { protection: 'pgp', action: 'pgp', addresses: ['b@notls.example'] },
    ]);
    expect(p.summary).toContain('split into 2 messages');
  });

  test('a domain that accepts no mail blocks the message, and the others show what removing it gives', () => {
    const p = plan(
      [
        { address: 'a@tls.example', transport: 'encrypted', key: 'none' },
        { address: 'b@nullmx.example', transport: 'no-mail', key: 'none' },
      ],
      'confidential',
    );
    expect(p.action).toBe('block');
    expect(p.blocked).toEqual(['b@nullmx.example']);
    expect(p.recipients[0]?.protection).toBe('tls');
    expect(p.recipients[1]?.reason).toContain('nullmx.example accepts no mail');
    expect(p.summary).toContain('Remove that recipient');
  });

  test('internal recipients go as internal and never force an escalation', () => {
    const p = plan(
      [{ address: 'boss@example.gov' }, { address: 'a@tls.example', transport: 'encrypted', key: 'none' }],
      'confidential',
    );
    expect(p.action).toBe('tag');
    expect(p.recipients[0]).toMatchObject({ internal: true, protection: 'internal' });
  });

  test('a changed key is not used until confirmed: the sender is told which key changed', () => {
    const p = plan([{ address: 'a@x.example', transport: 'authenticated', key: 'changed' }], 'restricted');
    expect(p.action).toBe('escrow');
    expect(p.recipients[0]?.refused.pgp).toContain('has changed');
  });

  test('transport-authenticated: encrypted is refused, authenticated accepted', () => {
    const policy = validatePolicy({
      ...defaultPolicy(),
      classifications: [
        { name: 'normal', requirement: 'none', prefer: ['tls', 'pgp', 'escrow'] },
        { name: 'bank', requirement: 'transport-authenticated', prefer: ['tls', 'escrow'] },
      ],
      detectors: {},
      labels: {},
    });
    const p = plan(
      [
        { address: 'a@dane.example', transport: 'authenticated', key: 'none' },
        { address: 'b@tls.example', transport: 'encrypted', key: 'none' },
      ],
      'bank',
      policy,
    );
    expect(p.action).toBe('escrow');
    expect(p.recipients[1]?.refused.tls).toContain('needs authenticated encryption in transit');
  });

  test('a domain override vouching for the route allows forced TLS and says why', () => {
    const policy = validatePolicy({
      ...defaultPolicy(),
      domains: [
        {
          domain: 'partnerbank.example',
          trustTransport: 'authenticated',
          note: 'Gateway rule 17 enforces verified TLS',
        },
      ],
    });
    const p = plan(
      [{ address: 'a@partnerbank.example', transport: 'unknown', key: 'none' }],
      'confidential',
      policy,
    );
    expect(p.action).toBe('tag');
    expect(p.recipients[0]?.reason).toBe('Forced TLS: Gateway rule 17 enforces verified TLS.');
  });

  test('a missing assessment counts as unknown, never as good', () => {
    const p = plan([{ address: 'a@unassessed.example' }], 'confidential');
    expect(p.recipients[0]?.transport).toBe('unknown');
    expect(p.action).toBe('escrow');
  });

  test('an unknown classification is a typed error', () => {
    expect(() => plan([{ address: 'a@x.example' }], 'secret')).toThrow(/"secret" is not a classification/);
  });
});
