/**
 * The content key wrapped under the link secret, the server secret and, optionally, the passcode
 * (docs/escrow-protocol.md, "Key wrap"): no two of the three parties that hold one of them can open it alone.
 */
import { argon2id } from 'hash-wasm';
import { concatBytes, utf8 } from './bytes';
import { EscrowCryptoError } from './errors';
import { hkdf, open, seal } from './subtle';

export const SECRET_BYTES = 32;
const WRAP_INFO = 'sendguard-escrow/v1/wrap';
const PASSCODE_CHECK_INFO = 'sendguard-escrow/v1/passcode-check';

/** OWASP's Argon2id floor is m = 19 MiB, t = 2; a one-off unlock in a browser affords more. */
export const PASSCODE_KDF = { iterations: 3, memorySize: 64 * 1024, parallelism: 1 } as const;

export interface WrapInputs {
  messageId: string;
  linkSecret: Uint8Array;
  serverSecret: Uint8Array;
  /** Argon2id of the passcode (`passcodeKey`), when the sender set one. */
  passcodeKey?: Uint8Array;
}

function contentKeyAad(messageId: string): Uint8Array {
  return utf8(`sendguard-escrow/v1/content-key:${messageId}`);
}

async function wrapKey(inputs: WrapInputs): Promise<Uint8Array> {
  for (const secret of [inputs.linkSecret, inputs.serverSecret, inputs.passcodeKey]) {
    if (secret && secret.length !== SECRET_BYTES)
      throw new EscrowCryptoError('ESCROW_INPUT_INVALID', 'a secret has the wrong length');
  }
  const ikm = concatBytes(inputs.linkSecret, inputs.serverSecret, inputs.passcodeKey ?? new Uint8Array(0));
  return hkdf(ikm, utf8(inputs.messageId), WRAP_INFO);
}

export async function wrapContentKey(contentKey: Uint8Array, inputs: WrapInputs): Promise<Uint8Array> {
  return seal(await wrapKey(inputs), contentKey, contentKeyAad(inputs.messageId));
}

export async function unwrapContentKey(wrapped: Uint8Array, inputs: WrapInputs): Promise<Uint8Array> {
  return open(await wrapKey(inputs), wrapped, contentKeyAad(inputs.messageId));
}

export async function passcodeKey(passcode: string, salt: Uint8Array): Promise<Uint8Array> {
  return argon2id({
    password: utf8(passcode.normalize('NFC')),
    salt,
    ...PASSCODE_KDF,
    hashLength: SECRET_BYTES,
    outputType: 'binary',
  });
}

/**
 * What the recipient shows the server to count passcode attempts; it does not reveal the wrap input. Salted
 * with the passcode salt, not the message id: the add-in needs it before the server has assigned the id.
 */
export async function passcodeCheck(key: Uint8Array, salt: Uint8Array): Promise<Uint8Array> {
  return hkdf(key, salt, PASSCODE_CHECK_INFO);
}
