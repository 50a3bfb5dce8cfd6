/**
 * Whose address an ID token's claims vouch for, per provider (docs/escrow-protocol.md, "Recipient sign-in"), and
 * which built-in provider a domain's mail belongs to. Pure rules; the token's signature and the rest are
 * sign-in-id-token.test.ts's.
 */
import { builtInProviderOf, MICROSOFT_CONSUMER_TENANT } from '../../src/server/escrow/sign-in/built-in';
import { claimsVouchFor, expectedIssuer } from '../../src/server/escrow/sign-in/claims';
import { microsoftIssuer } from '../../src/server/escrow/sign-in/directory';

const WORK_TENANT = '4a1f0c5e-9d2b-4c7e-8f00-123456789abc';

describe('Microsoft', () => {
  test('a personal account vouches for an address on a Microsoft consumer domain', () => {
    const claims = { tid: MICROSOFT_CONSUMER_TENANT, email: 'Ana@Outlook.com' };
    expect(claimsVouchFor('microsoft', claims, 'ana@outlook.com')).toBe(true);
    expect(claimsVouchFor('microsoft', claims, 'bob@outlook.com')).toBe(false);
  });

  test("a personal account opened with another domain's address vouches for nothing", () => {
    const claims = { tid: MICROSOFT_CONSUMER_TENANT, email: 'ana@clinic.example', xms_edov: true };
    expect(claimsVouchFor('microsoft', claims, 'ana@clinic.example')).toBe(false);
  });

  test('a work account: email with xms_edov true counts, without it or false it does not', () => {
    const base = { tid: WORK_TENANT, email: 'ana@clinic.example' };
    expect(claimsVouchFor('microsoft', { ...base, xms_edov: true }, 'ana@clinic.example')).toBe(true);
    expect(claimsVouchFor('microsoft', { ...base, xms_edov: false }, 'ana@clinic.example')).toBe(false);
    expect(claimsVouchFor('microsoft', { ...base, xms_edov: 'true' }, 'ana@clinic.example')).toBe(false);
    expect(claimsVouchFor('microsoft', base, 'ana@clinic.example')).toBe(false);
    // Microsoft's email_verified is not how it says so.
    expect(claimsVouchFor('microsoft', { ...base, email_verified: true }, 'ana@clinic.example')).toBe(false);
  });

  test('a work account: verified_primary_email or verified_secondary_email alone counts for nothing', () => {
    // The tenant fills these from its own user data; nothing says it owns the domain (fail closed).
    const address = 'ana@clinic.example';
    const cases = [
      { tid: WORK_TENANT, verified_primary_email: [address] },
      { tid: WORK_TENANT, email: address, verified_primary_email: [address] },
      { tid: WORK_TENANT, email: 'someone-else@clinic.example', verified_secondary_email: [address] },
    ];
    for (const claims of cases) expect(claimsVouchFor('microsoft', claims, address)).toBe(false);
  });

  test('a work tenant cannot vouch for a consumer domain, even with xms_edov', () => {
    const claims = { tid: WORK_TENANT, email: 'ana@hotmail.com', xms_edov: true };
    expect(claimsVouchFor('microsoft', claims, 'ana@hotmail.com')).toBe(false);
  });

  test("the multi-tenant issuer is filled in with the token's own tid, and only with a tenant ID", () => {
    const template = microsoftIssuer('https://login.microsoftonline.com/common/v2.0');
    expect(template).toBe('https://login.microsoftonline.com/{tenantid}/v2.0');
    expect(expectedIssuer('microsoft', template, { tid: WORK_TENANT })).toBe(
      `https://login.microsoftonline.com/${WORK_TENANT}/v2.0`,
    );
    expect(expectedIssuer('microsoft', template, { tid: 'evil.example/x' })).toBeUndefined();
    expect(expectedIssuer('microsoft', template, {})).toBeUndefined();
    // Any other provider's issuer is what it says, braces and all: a token's tid does not reshape it.
    expect(expectedIssuer('generic', 'https://idp.example/{tenantid}', { tid: WORK_TENANT })).toBe(
      'https://idp.example/{tenantid}',
    );
    expect(microsoftIssuer(`https://login.microsoftonline.com/${WORK_TENANT}/v2.0`)).toBe(
      `https://login.microsoftonline.com/${WORK_TENANT}/v2.0`,
    );
  });
});

describe('Google', () => {
  test('Gmail: email_verified true and the address', () => {
    expect(claimsVouchFor('google', { email: 'ana@gmail.com', email_verified: true }, 'ana@gmail.com')).toBe(
      true,
    );
    expect(claimsVouchFor('google', { email: 'ana@gmail.com', email_verified: false }, 'ana@gmail.com')).toBe(
      false,
    );
  });

  test('a Workspace domain needs hd equal to the domain', () => {
    const claims = { email: 'ana@clinic.example', email_verified: true };
    expect(claimsVouchFor('google', { ...claims, hd: 'clinic.example' }, 'ana@clinic.example')).toBe(true);
    // A consumer Google account registered with a work address: verified by a mail over that address's route.
    expect(claimsVouchFor('google', claims, 'ana@clinic.example')).toBe(false);
    expect(claimsVouchFor('google', { ...claims, hd: 'other.example' }, 'ana@clinic.example')).toBe(false);
  });
});

describe('any other issuer (OpenID Connect Core §5.1)', () => {
  const address = 'ana@clinic.example';
  test.each([
    ['email_verified false', { email: address, email_verified: false }],
    ['email_verified absent', { email: address }],
    ['email_verified as the string "true"', { email: address, email_verified: 'true' }],
    ['another address', { email: 'bob@clinic.example', email_verified: true }],
    ['no email', { email_verified: true }],
    ['an email that is no address', { email: 'clinic.example', email_verified: true }],
  ])('refused: %s', (_name, claims) => {
    expect(claimsVouchFor('generic', claims, address)).toBe(false);
  });

  test('accepted: verified, and the same mailbox however it is spelled', () => {
    expect(claimsVouchFor('generic', { email: ' Ana@CLINIC.example ', email_verified: true }, address)).toBe(
      true,
    );
  });
});

describe('whose mail a domain is', () => {
  test('consumer domains by name, others by every MX host', () => {
    expect(builtInProviderOf('outlook.com', [])).toBe('microsoft');
    expect(builtInProviderOf('hotmail.co.uk', [])).toBe('microsoft');
    expect(builtInProviderOf('gmail.com', [])).toBe('google');
    expect(builtInProviderOf('clinic.example', ['clinic-example.mail.protection.outlook.com'])).toBe(
      'microsoft',
    );
    expect(builtInProviderOf('clinic.example', ['aspmx.l.google.com', 'alt1.aspmx.l.google.com'])).toBe(
      'google',
    );
    expect(builtInProviderOf('clinic.example', ['aspmx.l.google.com', 'mx.clinic.example'])).toBeUndefined();
    expect(builtInProviderOf('clinic.example', [])).toBeUndefined();
  });

  test('a name that only looks like a consumer domain is not one', () => {
    expect(builtInProviderOf('live.attacker.example', [])).toBeUndefined();
    expect(builtInProviderOf('outlook.com.attacker.example', [])).toBeUndefined();
    expect(builtInProviderOf('x.example', ['mail.protection.outlook.com.attacker.example'])).toBeUndefined();
  });
});
