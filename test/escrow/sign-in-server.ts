/**
 * The escrow service of the sign-in tests: the harness's, with an OidcDirectory that reaches the test's
 * providers by their host names (a table standing for DNS) and trusts the test's CA. The providers listen on
 * loopback addresses, so private addresses are allowed here for discovered providers too, which the service
 * never allows (from-config.ts; its own test says so).
 */
import { SignInSettingsSchema, type EscrowSettingsInput } from '../../src/server/config/escrow';
import type { Mailer } from '../../src/server/escrow/mailer';
import type { SignInDirectory } from '../../src/server/escrow/sign-in-directory';
import { httpsGet, type HttpsGet } from '../../src/server/net/https-get';
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
  /** Stands between the directory and the network: a test may hold a request back (default: the real one). */
  httpsGet?: HttpsGet;
  /** The flow's deadline per start or callback; the service's 15 s by default. */
  stepDeadlineMs?: number;
}

export async function startSignInServer(options: SignInServerOptions): Promise<EscrowServer> {
  // The directory registers the callback URI, which holds the service's port, known once the service listens:
  // the service gets a directory and flow that pass each call on to the real one, made before any request.
  const made: { directory?: OidcDirectory } = {};
  const directory = () => made.directory!;
  const lazy: SignInDirectory = {
    providerFor: (address, opts) => directory().providerFor(address, opts),
    flow: {
      get stepDeadlineMs() {
        return directory().stepDeadlineMs;
      },
      clientFor: (address, provider, signal) => directory().clientFor(address, provider, signal),
    },
  };
  const server = await startEscrowServer({
    mailer: options.mailer,
    signIn: lazy,
    config: options.config ?? { perIp: { max: 500, windowMs: 60_000 } },
  });
  const network = {
    resolveAddresses: async (host: string) => (options.hosts[host] ? [options.hosts[host]] : []),
    allowPrivateAddresses: true,
    ca: options.ca,
  };
  made.directory = new OidcDirectory({
    settings: SignInSettingsSchema.parse(options.signIn),
    redirectUri: callbackUrl(server.url),
    network,
    discoveryNetwork: network,
    httpsGet: options.httpsGet ?? httpsGet,
    mxHosts: async (domain) => options.mx?.[domain] ?? [],
    clock: server.clock,
    ...(options.stepDeadlineMs ? { stepDeadlineMs: options.stepDeadlineMs } : {}),
  });
  return server;
}
