/**
 * The escrow service of the sign-in tests: the harness's, with an OidcDirectory that reaches the test's
 * providers by their host names (a table standing for DNS) and trusts the test's CA.
 */
import { SignInSettingsSchema, type EscrowSettingsInput } from '../../src/server/config/escrow';
import type { Mailer } from '../../src/server/escrow/mailer';
import { OidcDirectory } from '../../src/server/escrow/sign-in/directory';
import { callbackUrl } from '../../src/server/escrow/sign-in/routes';
import { startEscrowServer, type EscrowServer } from './harness';

export interface SignInServerOptions {
  mailer: Mailer;
  /** `escrow.signIn` as a configuration file holds it. */
  signIn: unknown;
  /** Host name → loopback address. */
  hosts: Record<string, string>;
  /** Domain → MX host names (for the built-in providers' MX rule). */
  mx?: Record<string, string[]>;
  ca: string;
  config?: EscrowSettingsInput;
}

export async function startSignInServer(options: SignInServerOptions): Promise<EscrowServer> {
  // The directory registers the callback URI, which holds the service's port, known once the service listens:
  // the service gets an empty directory object, and the real one's fields go into it before any request.
  const lazy = Object.create(OidcDirectory.prototype) as OidcDirectory;
  const server = await startEscrowServer({
    mailer: options.mailer,
    signIn: lazy,
    config: options.config ?? { perIp: { max: 500, windowMs: 60_000 } },
  });
  const directory = new OidcDirectory({
    settings: SignInSettingsSchema.parse(options.signIn),
    redirectUri: callbackUrl(server.url),
    network: {
      resolveAddresses: async (host) => (options.hosts[host] ? [options.hosts[host]] : []),
      allowPrivateAddresses: true,
      ca: options.ca,
    },
    mxHosts: async (domain) => options.mx?.[domain] ?? [],
    clock: server.clock,
  });
  Object.assign(lazy, directory);
  return server;
}
