import { needsPasscode, planMessage, type Plan } from '../../src/core/plan';
import { validatePolicy } from '../../src/core/policy/parse';
import { defaultPolicy } from '../helpers/policy';
import { scenario, splitPolicy, type Party } from '../helpers/plan-fixtures';

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
      /^Secure pickup — .*\. Chosen because .*partial\.example has mail servers that do not offer TLS/,
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
      defaultPolicy({
        escrow: { enabled: true, expiryDays: 30, proofs: {}, codeTransport: ['authenticated'] },
      }),
    );
    // escrow serves both, so one body still works: the first shared candidate wins over a split.
    expect(p.action).toBe('escrow');
  });

  test('split when no protection serves everyone', () => {
    const p = plan(
      [
        { address: 'a@tls.example', transport: 'encrypted', key: 'none' },
        { address: 'b@notls.example', transport: 'none', key: 'valid' },
      ],
      'confidential',
      splitPolicy(),
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

describe('plan: the proof each secure-pickup recipient gives', () => {
  const GOOGLE = { provider: 'google', label: 'Google' };

  /** The default policy with secure pickup's proofs set; restricted messages to keyless recipients go by pickup. */
  function withProofs(escrow: Record<string, unknown>) {
    return validatePolicy({ ...defaultPolicy(), escrow: { enabled: true, ...escrow } });
  }

  function pickup(
    party: Party,
    options: { policy?: ReturnType<typeof defaultPolicy>; passcodeSet?: boolean } = {},
  ) {
    const p = planMessage({
      ...scenario([{ key: 'none', ...party }]),
      classification: 'restricted',
      policy: options.policy ?? defaultPolicy(),
      ...(options.passcodeSet !== undefined ? { passcodeSet: options.passcodeSet } : {}),
    });
    return { plan: p, recipient: p.recipients[0]! };
  }

  test('a recipient the assessment names a provider for signs in with it, even when a passcode is set', () => {
    for (const passcodeSet of [false, true]) {
      const { recipient } = pickup(
        { address: 'a@partial.example', transport: 'partial', signIn: GOOGLE },
        { passcodeSet },
      );
      expect(recipient).toMatchObject({ protection: 'escrow', proof: 'sign-in', signIn: GOOGLE });
      expect(recipient.reason).toMatch(/^Secure pickup — recipient signs in with Google\. Chosen because /);
    }
  });

  test('a classification that does not accept sign-in passes the provider by', () => {
    const { recipient } = pickup(
      { address: 'a@dane.example', transport: 'authenticated', signIn: GOOGLE },
      { policy: withProofs({ proofs: { restricted: ['passcode', 'code'] } }) },
    );
    expect(recipient.proof).toBe('code');
  });

  test('the sender’s passcode comes before a mailed code', () => {
    const { recipient } = pickup(
      { address: 'a@dane.example', transport: 'authenticated' },
      { passcodeSet: true },
    );
    expect(recipient.proof).toBe('passcode');
    expect(recipient.reason).toMatch(
      /^Secure pickup — recipient needs the passcode you give them by phone or another channel\./,
    );
  });

  test('without a passcode, a code by mail where the recipient’s mail servers’ TLS is verified', () => {
    const { plan: p, recipient } = pickup({ address: 'a@dane.example', transport: 'authenticated' });
    expect(recipient.proof).toBe('code');
    expect(recipient.reason).toMatch(
      /^Secure pickup — recipient gets a code by mail \(their mail server's TLS is verified\)\./,
    );
    expect(needsPasscode(p)).toBe(false);
  });

  test('a code is never mailed over TLS nothing authenticates by default: the sender must set a passcode', () => {
    const { plan: p, recipient } = pickup({ address: 'a@tls.example', transport: 'encrypted' });
    expect(p.action).toBe('escrow');
    expect(recipient.proof).toBe('passcode');
    expect(needsPasscode(p)).toBe(true);
  });

  test('a policy that accepts codes over encrypted TLS says so in the reason', () => {
    const { recipient } = pickup(
      { address: 'a@tls.example', transport: 'encrypted' },
      { policy: withProofs({ codeTransport: ['authenticated', 'encrypted'] }) },
    );
    expect(recipient.proof).toBe('code');
    expect(recipient.reason).toContain(
      'recipient gets a code by mail (the policy accepts a code where the mail servers of tls.example are encrypted)',
    );
  });

  test('an admin vouching for the route lets a code go, in words that name the vouching', () => {
    const policy = validatePolicy({
      ...defaultPolicy(),
      domains: [{ domain: 'partnerbank.example', trustTransport: 'authenticated' }],
    });
    const { recipient } = pickup({ address: 'a@partnerbank.example', transport: 'encrypted' }, { policy });
    expect(recipient.proof).toBe('code');
    expect(recipient.reason).toContain(
      'the organisation vouches for authenticated TLS to partnerbank.example',
    );
  });

  test('an internal recipient of a secure-pickup message gets a code: their mail never leaves the organisation', () => {
    const policy = withProofs({ proofs: { restricted: ['sign-in', 'code'] } });
    const p = planMessage({
      ...scenario([
        { address: 'boss@example.gov' },
        { address: 'a@dane.example', transport: 'authenticated', key: 'none' },
      ]),
      classification: 'restricted',
      policy,
    });
    expect(p.action).toBe('escrow');
    expect(p.recipients[0]).toMatchObject({ internal: true, protection: 'escrow', proof: 'code' });
    expect(p.recipients[0]!.reason).toContain(
      'recipient gets a code by mail (their mail stays inside the organisation)',
    );
  });

  test('a policy that forbids the mailed code: passcode even over verified TLS', () => {
    const { recipient } = pickup(
      { address: 'a@dane.example', transport: 'authenticated' },
      { policy: withProofs({ proofs: { restricted: ['sign-in', 'passcode'] } }) },
    );
    expect(recipient.proof).toBe('passcode');
  });

  test('no proof possible: secure pickup is refused with the reason, and the plan does not pick it', () => {
    const policy = withProofs({ proofs: { restricted: ['sign-in', 'code'] } });
    const { plan: p, recipient } = pickup({ address: 'a@partial.example', transport: 'partial' }, { policy });
    expect(p.action).toBe('block');
    expect(recipient.protection).toBe('blocked');
    expect(recipient.proof).toBeUndefined();
    expect(recipient.refused.escrow).toBe(
      "secure pickup: a@partial.example has no way to prove who they are that does not cross an unprotected route — no identity provider is known for them to sign in with; Restricted (special categories, financial, health) messages do not accept a passcode; a mailed code is allowed only where the recipient's mail servers are authenticated, and those of partial.example are partial",
    );
    expect(recipient.reason).toContain(recipient.refused.escrow);
    // The same recipient with a provider to sign in with, or over verified TLS, is served.
    expect(
      pickup({ address: 'a@partial.example', transport: 'partial', signIn: GOOGLE }, { policy }).recipient
        .proof,
    ).toBe('sign-in');
    expect(
      pickup({ address: 'a@dane.example', transport: 'authenticated' }, { policy }).recipient.proof,
    ).toBe('code');
  });

  test('whether a passcode is set changes proofs, never who secure pickup can serve', () => {
    const parties: Party[] = [
      { address: 'a@dane.example', transport: 'authenticated', key: 'none' },
      { address: 'b@partial.example', transport: 'partial', key: 'none', signIn: GOOGLE },
      { address: 'c@tls.example', transport: 'encrypted', key: 'valid' },
      { address: 'd@plain.example', transport: 'none', key: 'none' },
    ];
    const strict = withProofs({ proofs: { restricted: ['sign-in', 'code'] } });
    const proofsOf = (p: Plan) => p.recipients.map((r) => r.proof);
    for (const policy of [defaultPolicy(), strict]) {
      const input = { ...scenario(parties), classification: 'restricted', policy };
      const without = planMessage(input);
      const withPasscode = planMessage({ ...input, passcodeSet: true });
      expect(withPasscode.action).toBe(without.action);
      expect(withPasscode.recipients.map((r) => [r.protection, r.allowed, r.refused])).toEqual(
        without.recipients.map((r) => [r.protection, r.allowed, r.refused]),
      );
    }
    const input = { ...scenario(parties), classification: 'restricted', policy: defaultPolicy() };
    expect(proofsOf(planMessage(input))).toEqual(['code', 'sign-in', 'passcode', 'passcode']);
    expect(proofsOf(planMessage({ ...input, passcodeSet: true }))).toEqual([
      'passcode',
      'sign-in',
      'passcode',
      'passcode',
    ]);
  });

  test('a recipient served by another protection has no proof; secure pickup for the shared body names its proof', () => {
    const p = plan(
      [
        { address: 'a@x.example', transport: 'authenticated', key: 'valid' },
        { address: 'b@y.example', transport: 'authenticated', key: 'none' },
      ],
      'restricted',
      validatePolicy({
        ...defaultPolicy(),
        classifications: [
          { name: 'normal', requirement: 'none', prefer: ['tls', 'pgp', 'escrow'] },
          { name: 'restricted', requirement: 'end-to-end', prefer: ['pgp', 'escrow'] },
        ],
        defaultClassification: 'normal',
        detectors: {},
        labels: {},
      }),
    );
    expect(p.action).toBe('escrow');
    expect(p.recipients[0]).toMatchObject({ protection: 'escrow', proof: 'code' });
    expect(p.recipients[0]!.reason).toBe(
      "Secure pickup — recipient gets a code by mail (their mail server's TLS is verified). OpenPGP would serve this recipient, but one message serves every recipient and OpenPGP cannot serve b@y.example.",
    );
    const tagged = plan(
      [{ address: 'a@dane.example', transport: 'authenticated', key: 'none' }],
      'confidential',
    );
    expect(tagged.recipients[0]!.proof).toBeUndefined();
  });
});
