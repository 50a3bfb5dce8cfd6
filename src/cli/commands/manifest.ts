/** `sendguard manifest`: the Outlook manifest rendered for a deployment, for the admin centre or sideloading. */
import { parseArgs } from 'node:util';
import { renderManifest } from '../../core/deployment';
import { MANIFEST_TEMPLATE } from '../../server/web';
import { readInput, UsageError, type CliIo } from '../io';

export const MANIFEST_HELP = `Usage: sendguard manifest --base-url https://HOST [--send-mode SoftBlock|Block]

Prints the Outlook add-in manifest for the service at --base-url (the service's publicUrl), ready to upload in
the Microsoft 365 admin centre (Settings → Integrated apps → Upload custom apps) or to sideload. The running
service also serves it at /manifest.xml. --send-mode Block makes the on-send check strict: a sender cannot send
a message it stops. Default SoftBlock.`;

export async function manifestCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'base-url': { type: 'string' },
      'send-mode': { type: 'string', default: 'SoftBlock' },
    },
    strict: true,
  });
  const baseUrl = values['base-url'];
  if (!baseUrl) throw new UsageError(`--base-url is required\n\n${MANIFEST_HELP}`);
  const sendMode = values['send-mode'];
  if (sendMode !== 'SoftBlock' && sendMode !== 'Block')
    throw new UsageError('--send-mode is SoftBlock or Block');
  // A base URL Outlook cannot use is a ManifestError: exit status 1, in its own words.
  io.out(renderManifest(await readInput(io, MANIFEST_TEMPLATE), { baseUrl, sendMode }));
  return 0;
}
