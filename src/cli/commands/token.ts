/**
 * `sendguard token`: API tokens for Thunderbird and the CLI, managed in the server's own store (its data directory's
 * SQLite, or the PostgreSQL database every node shares) — how an admin gets the first admin token before any exists
 * (later ones can also be issued through the API).
 */
import { parseArgs } from 'node:util';
import { issueApiToken, parseTokenOwner, revokeToken } from '../../server/auth';
import { loadConfig } from '../../server/config';
import { openServiceStore, type ApiTokenRecord, type TokenStore } from '../../server/store';
import { TOKEN_HELP } from '../help';
import { UsageError, type CliIo } from '../io';
import { SendguardError } from '../../core/errors';

/** `Ana Example <ana@example.org>`, `ana@example.org`, or `-` for none. */
function ownerText({ owner }: ApiTokenRecord): string {
  if (!owner) return '-';
  return owner.name ? `${owner.name} <${owner.address}>` : owner.address;
}

/** The owner as given, or a usage error saying what an owner looks like. */
function ownerOf(text: string) {
  try {
    return parseTokenOwner(text);
  } catch (error) {
    if (error instanceof SendguardError) throw new UsageError(`--owner: ${error.message}`);
    throw error;
  }
}

async function issue(
  tokens: TokenStore,
  { name, role, owner }: { name?: string; role?: string; owner?: string },
  io: CliIo,
): Promise<number> {
  if (!name) throw new UsageError('give the token a --name (who or what uses it)');
  if (role !== 'sender' && role !== 'admin') throw new UsageError('--role is sender or admin');
  const { token, record } = await issueApiToken(tokens, {
    name,
    role,
    ...(owner !== undefined ? { owner: ownerOf(owner) } : {}),
  });
  io.out(`${token}\n`);
  io.err(
    `issued token ${record.id} (${record.role}) for "${record.name}", owner ${ownerText(record)}; it is not shown again\n`,
  );
  return 0;
}

export async function tokenCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      role: { type: 'string', default: 'sender' },
      owner: { type: 'string' },
      config: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, id] = positionals;
  if (action === undefined) throw new UsageError(`give an action: issue, list or revoke\n\n${TOKEN_HELP}`);
  const config = loadConfig({ ...(values.config ? { file: values.config } : {}), env: io.env });
  const store = await openServiceStore(config);
  try {
    switch (action) {
      case 'issue':
        return await issue(store.tokens, values, io);
      case 'list':
        for (const t of await store.tokens.list()) {
          io.out(
            `${t.id}  ${t.role.padEnd(6)}  ${t.createdAt}  ${t.revokedAt ? `revoked ${t.revokedAt}` : 'active'}  ${t.name}  (owner ${ownerText(t)})\n`,
          );
        }
        return 0;
      case 'revoke':
        if (!id) throw new UsageError('give the ID of the token to revoke (see `sendguard token list`)');
        if (!(await revokeToken(store.tokens, id))) {
          throw new UsageError(`no active token with ID ${id}`, 1);
        }
        io.out(`revoked ${id}\n`);
        return 0;
      default:
        throw new UsageError(`unknown action "${action}"\n\n${TOKEN_HELP}`);
    }
  } finally {
    await store.close();
  }
}
