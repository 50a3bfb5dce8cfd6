/** `auth.entra` as loaded: the defaults that follow from the deployment, and where the signing keys come from. */
import { OFFICE_CLIENT_APPLICATIONS } from '../../../src/server/config/entra';
import { ConfigError, parseConfig } from '../../../src/server/config/load';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = '99999999-8888-7777-6666-555555555555';

const entraOf = (entra: Record<string, unknown>) =>
  parseConfig({
    publicUrl: 'https://sendguard.example.org:8443',
    auth: { entra: { tenantId: TENANT, clientId: CLIENT, ...entra } },
  }).auth.entra!;

test('defaults: Entra’s v2.0 issuer and keys for the tenant, the API named after the public URL, the add-in and Office as clients', () => {
  expect(entraOf({})).toEqual({
    tenantId: TENANT,
    clientId: CLIENT,
    scope: 'access_as_user',
    adminRole: 'Sendguard.Admin',
    clockToleranceSeconds: 60,
    issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    jwksUri: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
    resource: `api://sendguard.example.org:8443/${CLIENT}`,
    audience: [`api://sendguard.example.org:8443/${CLIENT}`, CLIENT],
    clientApplications: [CLIENT, ...OFFICE_CLIENT_APPLICATIONS],
  });
});

test('a configured audience is the whole list accepted, its first entry the resource', () => {
  expect(entraOf({ audience: 'api://custom/app' })).toMatchObject({
    resource: 'api://custom/app',
    audience: ['api://custom/app'],
  });
  expect(entraOf({ audience: ['api://a/app', CLIENT] })).toMatchObject({
    resource: 'api://a/app',
    audience: ['api://a/app', CLIENT],
  });
});

test('jwksUri: an http(s) or file: URL as given; an absolute path as the file: URL of that file', () => {
  expect(entraOf({ jwksUri: 'http://127.0.0.1:9/keys' }).jwksUri).toBe('http://127.0.0.1:9/keys');
  expect(entraOf({ jwksUri: 'file:///etc/sendguard/keys.json' }).jwksUri).toBe(
    'file:///etc/sendguard/keys.json',
  );
  expect(entraOf({ jwksUri: '/etc/sendguard/my keys.json' }).jwksUri).toBe(
    'file:///etc/sendguard/my%20keys.json',
  );
});

test.each(['keys.json', 'ftp://keys.example/jwks', 'not a uri'])(
  'jwksUri %s is refused, saying what it takes',
  (jwksUri) => {
    expect(() => entraOf({ jwksUri })).toThrow(ConfigError);
    expect(() => entraOf({ jwksUri })).toThrow(
      /auth\.entra\.jwksUri: an https:\/\/ or file: URL, or an absolute path/,
    );
  },
);
