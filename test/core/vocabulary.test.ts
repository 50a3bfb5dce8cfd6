import { actionFor } from '../../src/core/plan/choose';
import {
  APPLICABLE_PROTECTIONS,
  PROTECTION_NAMES,
  PROTECTIONS,
  protectionFor,
  protectionTitle,
  TRANSPORT_VERDICTS_NEVER_TLS,
  worseTransport,
} from '../../src/core/vocabulary';
import { badgeFor } from '../../src/addin/ui/badge-text';
import { recipientSummary } from '../../src/addin/summary';

describe('protection names: one word per protection, wherever a sender reads it', () => {
  test('every protection has a distinct name', () => {
    const names = PROTECTIONS.map((p) => PROTECTION_NAMES[p]);
    expect(new Set(names).size).toBe(PROTECTIONS.length);
  });

  test('the title form only capitalises the first letter', () => {
    expect(protectionTitle('escrow')).toBe('Secure pickup');
    expect(protectionTitle('pgp')).toBe('OpenPGP');
    expect(protectionTitle('none')).toBe('Plain mail');
  });

  test('badges use the same names; forced TLS says whether anything authenticates it', () => {
    expect(badgeFor({ protection: 'escrow', transport: 'partial' })).toEqual({
      label: 'Secure pickup',
      tone: 'informative',
    });
    expect(badgeFor({ protection: 'tls', transport: 'authenticated' }).label).toBe(
      'Forced TLS · authenticated',
    );
    expect(badgeFor({ protection: 'tls', transport: 'encrypted' })).toEqual({
      label: 'Forced TLS · encrypted only',
      tone: 'warning',
    });
  });

  test('the info-bar summary counts recipients under the same names', () => {
    const recipients = (['tls', 'tls', 'escrow', 'none'] as const).map((protection) => ({ protection }));
    expect(recipientSummary({ recipients } as never)).toBe(
      '4 recipients: 2 forced TLS, 1 secure pickup, 1 plain mail',
    );
    expect(recipientSummary({ recipients: [{ protection: 'blocked' }] } as never)).toBe(
      '1 recipient: 1 blocked',
    );
  });
});

test('forced TLS is never promised for a verdict worse than weak', () => {
  expect(TRANSPORT_VERDICTS_NEVER_TLS).toEqual(['no-mail', 'unknown', 'broken', 'none', 'partial']);
});

test('the precedence in docs/architecture.md: the worse transport verdict wins', () => {
  expect(worseTransport('encrypted', 'partial')).toBe('partial');
  expect(worseTransport('no-mail', 'unknown')).toBe('no-mail');
});

test('the protection a whole message gets is the action it is sent with, read backwards; split and block send no one body', () => {
  for (const candidate of ['none', ...APPLICABLE_PROTECTIONS] as const)
    expect(protectionFor(actionFor(candidate))).toBe(candidate);
  expect(protectionFor('split')).toBeUndefined();
  expect(protectionFor('block')).toBeUndefined();
});
