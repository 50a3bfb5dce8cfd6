/**
 * OpenPGP for a message: the body as one inline armored message (what GnuPG, Thunderbird and Mailvelope decrypt
 * from a plain-text body) and each attachment as its own binary `.pgp` file, all encrypted to the same keys —
 * every recipient's, the sender's own (so the Sent folder stays readable) and the organisation's compliance key
 * when the policy names one. openpgp.js is loaded on first use: it is most of the pane's weight, and most
 * messages never need it. Runs in the pane only; classic Outlook's send runtime has no WebCrypto.
 */

import { messageOf, SendguardError } from '../../core/errors';

export interface PgpAttachment {
  name: string;
  data: ArrayBuffer | Uint8Array;
}

export interface PgpInput {
  text: string;
  attachments: readonly PgpAttachment[];
  /** Armored public keys; duplicates (the sender also a recipient) are encrypted to once. */
  keys: readonly string[];
  /** Called after the body and after each attachment, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
}

export interface PgpOutput {
  body: string;
  attachments: { name: string; data: Uint8Array }[];
}

export class PgpError extends SendguardError {
  constructor(
    override readonly code: 'PGP_NO_KEYS' | 'PGP_BAD_KEY',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

const loadOpenpgp = () => import(/* webpackChunkName: "openpgp" */ 'openpgp');

export async function encryptMessage(input: PgpInput): Promise<PgpOutput> {
  if (input.keys.length === 0) throw new PgpError('PGP_NO_KEYS', 'there is no key to encrypt to');
  const openpgp = await loadOpenpgp();
  const read = await Promise.all(
    input.keys.map((armoredKey) =>
      openpgp.readKey({ armoredKey }).catch((error: unknown) => {
        throw new PgpError('PGP_BAD_KEY', `a recipient key cannot be read: ${messageOf(error)}`, {
          cause: error,
        });
      }),
    ),
  );
  const encryptionKeys = [...new Map(read.map((key) => [key.getFingerprint(), key])).values()];
  const total = 1 + input.attachments.length;
  const body = await openpgp.encrypt({
    message: await openpgp.createMessage({ text: input.text }),
    encryptionKeys,
    format: 'armored',
  });
  input.onProgress?.(1, total);
  const attachments: PgpOutput['attachments'] = [];
  for (const [index, attachment] of input.attachments.entries()) {
    const binary = attachment.data instanceof Uint8Array ? attachment.data : new Uint8Array(attachment.data);
    const data = await openpgp.encrypt({
      message: await openpgp.createMessage({ binary, filename: attachment.name, format: 'binary' }),
      encryptionKeys,
      format: 'binary',
    });
    attachments.push({ name: `${attachment.name}.pgp`, data });
    input.onProgress?.(index + 2, total);
  }
  return { body, attachments };
}
