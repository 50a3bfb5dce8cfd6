/**
 * The backend's one configuration object. Every key has a safe default; unknown keys are refused so that a
 * misspelt setting is an error, not a silently ignored wish. Switches that weaken security say so in their names.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { DECISION_LIMITS } from '../../core/decisions/record';
import { DEFAULT_API_SCOPE, SEND_MODES } from '../../core/deployment';
import { VKS_DEFAULT_BASE_URL } from '../../core/key-server';
import {
  HELO_NAME,
  MAX_HELO_NAME_LENGTH,
  MAX_RESOLVERS,
  RESOLVER,
  RESOLVER_FORM,
} from '../../core/network-settings';
import type { ResolvedEntra } from './entra';
import { EscrowSettingsSchema } from './escrow';
import { TrustProxySchema } from './trust-proxy';

/** The policy shipped in the repository, used until an admin points `policyFile` at their own. */
export const SHIPPED_POLICY_FILE = join(__dirname, '..', '..', '..', 'config', 'policy.yaml');

const Resolver = z.string().regex(RESOLVER, { message: RESOLVER_FORM });

const Port = z.number().int().min(0).max(65535);
const Duration = z.number().int().positive();

const RateLimit = z.strictObject({
  max: z.number().int().positive(),
  windowMs: Duration,
});

/** Names what is missing in the admin's terms rather than zod's "expected string, received undefined". */
const required = (when: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? `required when ${when}` : undefined),
});

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const Guid = (what: string, params?: Parameters<typeof z.string>[0]) =>
  z.string(params).regex(GUID, { message: what });

const KEY_SET_PROTOCOLS = ['https:', 'http:', 'file:'];

const Entra = z.strictObject({
  /** The directory (tenant) GUID: tokens whose `tid` differs are refused, whatever their issuer says. */
  tenantId: Guid('a tenant GUID', required('auth.entra is set')),
  /** The add-in's app registration (Application (client) ID): the client of nested app authentication. */
  clientId: Guid('an application (client) GUID', required('auth.entra is set')),
  /** Defaults to the v2.0 issuer of `tenantId`. */
  issuer: z.url().optional(),
  /**
   * What `aud` must be: the API's application ID URI, or a list of accepted values. Defaults to
   * `api://<publicUrl host>/<clientId>` (and `clientId` itself, which Entra puts in `aud` of v2.0 tokens).
   */
  audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /** The delegated permission (in `scp`) a token must carry. */
  scope: z
    .string()
    .regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/, { message: 'one scope name, without spaces' })
    .default(DEFAULT_API_SCOPE),
  /**
   * The client applications (`azp` of the v2.0 token) whose tokens are accepted. Defaults to `clientId`
   * (nested app authentication) and Microsoft Office's own clients (Office single sign-on, where Office asks for
   * the token on the add-in's behalf).
   */
  clientApplications: z.array(Guid('an application (client) GUID')).min(1).optional(),
  /**
   * Defaults to the tenant's v2.0 signing keys. An http(s) URL is fetched; a `file:` URL or an absolute path
   * reads a local key set (a machine that must not reach Microsoft, a fixed test key set).
   */
  jwksUri: z
    .string()
    .refine((uri) => uri.startsWith('/') || KEY_SET_PROTOCOLS.includes(URL.parse(uri)?.protocol ?? ''), {
      message: 'an https:// or file: URL, or an absolute path, of a JSON Web Key Set',
    })
    .optional(),
  /** The app role (in the `roles` claim) that makes a user an admin. */
  adminRole: z.string().min(1).default('Sendguard.Admin'),
  clockToleranceSeconds: z.number().int().min(0).max(300).default(60),
});

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '::1'];

export const ConfigSchema = z
  .strictObject({
    /** Where senders and admins reach the service; the manifest is rendered for it. Defaults from `listen`. */
    publicUrl: z.url({ protocol: /^https?$/ }).optional(),
    listen: z
      .strictObject({
        /** `localhost` binds every loopback address; set `0.0.0.0` or `::` to serve the network. */
        host: z.string().min(1).default('localhost'),
        port: Port.default(3000),
      })
      .prefault({}),
    tls: z
      .strictObject({
        /** Off only behind a proxy that terminates TLS. */
        enabled: z.boolean().default(true),
        /** Both or neither; without them a development certificate is generated in the data directory. */
        certFile: z.string().min(1).optional(),
        keyFile: z.string().min(1).optional(),
      })
      .prefault({})
      .refine((tls) => !tls.certFile === !tls.keyFile, {
        message: 'give both certFile and keyFile, or neither',
      }),
    dataDir: z.string().min(1).default('data'),
    /**
     * Where the service keeps its state. Without `url`: one SQLite file in `dataDir` (one node). With a
     * `postgres://` URL: PostgreSQL, which any number of nodes may share; escrow's server key still comes from
     * `escrow.serverKeyFile` (never the database).
     */
    database: z
      .strictObject({
        url: z
          .string()
          .refine((url) => /^postgres(ql)?:$/.test(URL.parse(url)?.protocol ?? ''), {
            message: 'a postgres:// URL, e.g. postgres://sendguard@db.example.org/sendguard',
          })
          .optional(),
        /** Connections each node keeps open at most. */
        poolSize: z.number().int().min(2).max(200).default(10),
      })
      .prefault({}),
    policyFile: z.string().min(1).default(SHIPPED_POLICY_FILE),
    dns: z
      .strictObject({
        /** Empty: the system's resolvers. */
        servers: z.array(Resolver).max(MAX_RESOLVERS).default([]),
      })
      .prefault({}),
    transport: z
      .strictObject({
        /** The name the prober gives in EHLO; the machine's host name by default. */
        heloName: z
          .string()
          .min(1)
          .max(MAX_HELO_NAME_LENGTH)
          .regex(HELO_NAME, { message: 'a host name' })
          .optional(),
        /** Probes running at once across all checks: protects this machine and the recipients' servers. */
        maxConcurrentProbes: z.number().int().min(1).max(1000).default(64),
      })
      .prefault({}),
    keys: z
      .strictObject({
        /** The keys.openpgp.org-style key server asked last; null asks none. */
        vksUrl: z
          .url({ protocol: /^https$/ })
          .nullable()
          .default(VKS_DEFAULT_BASE_URL),
        /** A directory of armored keys the organisation vouches for, besides those uploaded through the API. */
        keyringDir: z.string().min(1).optional(),
      })
      .prefault({}),
    /** Extra trust anchors (PEM) for MTA-STS and key servers, for test beds and private networks. */
    caFile: z.string().min(1).optional(),
    /** Lets the prober and fetchers connect to private and loopback addresses. */
    allowPrivateAddresses: z.boolean().default(false),
    /** Whose X-Forwarded-For names the client: nobody's (default), N proxy hops, or the proxies' addresses. */
    trustProxy: TrustProxySchema.default(false),
    auth: z
      .strictObject({
        entra: Entra.optional(),
        /** Bearer tokens an admin issues (Thunderbird, CLI). */
        apiTokens: z.boolean().default(true),
        /** Skips authentication entirely: every caller is an admin. For a developer's machine only. */
        devNoAuth: z.boolean().default(false),
      })
      .prefault({}),
    limits: z
      .strictObject({
        maxRecipients: z.number().int().min(1).max(10_000).default(500),
        /**
         * What an assess call waits for before answering with what it has: under the add-in's own 3.5 s, which
         * stays under Outlook's 5 s "taking longer" point, so a slow check answers `partial` rather than time out.
         */
        assessDeadlineMs: Duration.max(60_000).default(3000),
        /** How long one lookup may run on in the background after the answer went out. */
        lookupDeadlineMs: Duration.max(300_000).default(30_000),
        bodyLimitBytes: z
          .number()
          .int()
          .min(1024)
          .max(16 * 1024 * 1024)
          .default(1024 * 1024),
        rateLimit: z
          .strictObject({
            perIp: RateLimit.default({ max: 600, windowMs: 60_000 }),
            perCaller: RateLimit.default({ max: 300, windowMs: 60_000 }),
          })
          .prefault({}),
      })
      .prefault({}),
    metrics: z
      .strictObject({
        /** `/metrics` only with an admin's token: its counters tell who is busy and what fails. */
        requireAdmin: z.boolean().default(true),
      })
      .prefault({}),
    /** Origins (scheme://host[:port]) allowed to call the API from a browser; none by default. */
    cors: z.strictObject({ origins: z.array(z.url()).default([]) }).prefault({}),
    /**
     * How often expired rows are purged: key verdicts past their lifetime, and secure pickup's expired messages
     * (crypto-shredded) and old client addresses. One setting for both: they are the same kind of housekeeping.
     */
    purgeIntervalMs: Duration.default(60_000),
    /** Secure pickup: code lifetimes and tries, limits, and the SMTP relay codes and notices go out through. */
    escrow: EscrowSettingsSchema.prefault({}),
    /** What each send check decided, as the add-ins report it: the admin's overview and the policy preview. */
    decisions: z
      .strictObject({
        /** Records older than this many days are purged (with the service's periodic purge). */
        retentionDays: z
          .number()
          .int()
          .min(1)
          .max(DECISION_LIMITS.retentionDaysMax)
          .default(DECISION_LIMITS.retentionDaysDefault),
        /**
         * Keep addresses in clear. Off by default: the sender's and every recipient's address are kept as pseudonyms
         * (a keyed hash of the address, with its domain), which count alike but name no one.
         */
        fullAddresses: z.boolean().default(false),
      })
      .prefault({}),
    /** Outlook's Smart Alerts send mode for the rendered manifest. */
    sendMode: z.enum(SEND_MODES).default(SEND_MODES[0]),
    /**
     * The organisation's own privacy statement and terms of use (and optionally its web page) for the unified
     * manifest, which the admin centre shows; without them it names this service's /privacy and /terms pages.
     */
    publisher: z
      .strictObject({
        privacyUrl: z.url({ protocol: /^https$/ }),
        termsOfUseUrl: z.url({ protocol: /^https$/ }),
        websiteUrl: z.url({ protocol: /^https$/ }).optional(),
      })
      .optional(),
    /**
     * The try-it page's simulated sign-in (`/try/?naa=` or `?sso=`): its stand-in for Outlook asks a test identity
     * provider on this machine for tokens naming any user. For tests only; off, /try/ may reach no loopback origin.
     */
    tryIt: z.strictObject({ simulatedSignIn: z.boolean().default(false) }).prefault({}),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((config, ctx) => {
    const { auth, listen } = config;
    if (!auth.entra && !auth.apiTokens && !auth.devNoAuth) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth'],
        message: 'no way to sign in: set auth.entra, auth.apiTokens or auth.devNoAuth',
      });
    }
    // Without authentication anyone who reaches the port is an admin: only a developer's own machine may.
    if (auth.devNoAuth && !LOOPBACK_HOSTS.includes(listen.host)) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'devNoAuth'],
        message: `only allowed while listen.host is a loopback address (${LOOPBACK_HOSTS.join(', ')})`,
      });
    }
  });

export type ConfigInput = z.input<typeof ConfigSchema>;
type ParsedConfig = z.output<typeof ConfigSchema>;
/** Entra's settings as written: `resolveEntra` (config/entra.ts) fills in what derives from the deployment. */
export type EntraSettings = z.output<typeof Entra>;
/** The loaded configuration: paths absolute, `publicUrl` and the server key's file set, Entra's defaults resolved. */
export type Config = Omit<ParsedConfig, 'auth' | 'escrow'> & {
  publicUrl: string;
  auth: Omit<ParsedConfig['auth'], 'entra'> & { entra?: ResolvedEntra };
  escrow: ParsedConfig['escrow'] & { serverKeyFile: string };
};
export type EntraConfig = ResolvedEntra;
