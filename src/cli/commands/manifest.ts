/**
 * `sendguard manifest`: the Outlook manifest rendered for a deployment, in either format the admin centre takes
 * (the add-in only XML, the unified manifest JSON, or its app package zip), for uploading or sideloading.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_API_SCOPE, checkedBase, checkedSendMode, type ManifestSignIn } from '../../core/deployment';
import { loadConfig } from '../../server/config';
import {
  MANIFEST_FORMATS,
  deploymentManifest,
  manifestSignIn,
  namedSignIn,
  type DeploymentOptions,
  type ManifestFormat,
} from '../../server/web';
import { MANIFEST_HELP } from '../help';
import { UsageError, type CliIo } from '../io';

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      'base-url': { type: 'string' },
      'send-mode': { type: 'string' },
      format: { type: 'string', default: 'xml' },
      out: { type: 'string' },
      config: { type: 'string' },
      'client-id': { type: 'string' },
      resource: { type: 'string' },
      scope: { type: 'string' },
    },
    strict: true,
  }).values;
}

type Values = ReturnType<typeof parse>;
type Config = ReturnType<typeof loadConfig>;

/** The service's configuration, when the admin points at one; rendering alone needs none. */
function configuration(values: Values, io: CliIo): Config | undefined {
  const file = values.config ?? io.env.SENDGUARD_CONFIG;
  if (file === undefined || file === '') return undefined;
  return loadConfig({ file, env: io.env });
}

function signIn(values: Values, baseUrl: string, config: Config | undefined): ManifestSignIn | undefined {
  const clientId = values['client-id'];
  if (clientId === undefined) {
    if (values.resource !== undefined || values.scope !== undefined)
      throw new UsageError('--resource and --scope go with --client-id');
    return config?.auth.entra && manifestSignIn(config.auth.entra);
  }
  return namedSignIn(baseUrl, clientId, values.resource, values.scope ?? DEFAULT_API_SCOPE);
}

/**
 * A configuration that signs in with Entra fixes where the add-in lives: Office single sign-on asks for the
 * resource only from an add-in on the resource's own domain, and the service takes tokens only for that resource,
 * named after its publicUrl. A manifest for another base URL would sign nobody in, so it is refused.
 */
function checkSameDeployment(base: string, config: Config | undefined): void {
  const entra = config?.auth.entra;
  if (!entra || checkedBase(config.publicUrl) === base) return;
  throw new UsageError(
    `--base-url ${base} is not the configuration's publicUrl ${config.publicUrl}, where the service signs ` +
      `senders in with Entra for ${entra.resource}: Office single sign-on works only for an add-in served ` +
      'there. Leave out --base-url, or change publicUrl in the configuration.',
  );
}

function manifestOptions(values: Values, io: CliIo): DeploymentOptions {
  const config = configuration(values, io);
  const baseUrl = values['base-url'] ?? config?.publicUrl;
  if (!baseUrl) throw new UsageError(`--base-url is required\n\n${MANIFEST_HELP}`);
  const sendMode = checkedSendMode(values['send-mode'] ?? config?.sendMode);
  // Checked before anything derives from it: a base URL Outlook cannot use is a ManifestError, exit status 1.
  const base = checkedBase(baseUrl);
  checkSameDeployment(base, config);
  const sso = signIn(values, base, config);
  return { baseUrl, sendMode, ...(sso ? { signIn: sso } : {}), publisher: config?.publisher };
}

export async function manifestCommand(args: string[], io: CliIo): Promise<number> {
  const values = parse(args);
  const format = values.format as ManifestFormat;
  if (!MANIFEST_FORMATS.includes(format)) throw new UsageError('--format is xml, json or zip');
  const { body } = deploymentManifest(format, manifestOptions(values, io));
  if (values.out !== undefined) {
    await writeFile(values.out, body);
    io.err(`wrote ${values.out}\n`);
  } else if (typeof body === 'string') {
    io.out(body);
  } else {
    if (!io.outBytes || io.outIsTerminal !== false)
      throw new UsageError('the app package is a zip file: give --out FILE or redirect the output to a file');
    io.outBytes(body);
  }
  return 0;
}
