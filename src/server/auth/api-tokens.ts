/**
 * API tokens an admin issues for Thunderbird and the CLI: `sg_` + 32 random bytes (base64url). Only the SHA-256
 * of a token is stored, and a token is found by that hash: a lookup by a value the caller cannot steer byte by
 * byte leaks nothing through timing, where comparing the token itself could.
 */
import { hash, randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock';
import type { ApiTokenRecord, TokenOwner, TokenRole, TokenStore } from '../store/store';
import type { Caller } from './caller';

/** Recognisable in logs, secret scanners and support tickets, and tells an API token from a JWT at a glance. */
const TOKEN_PREFIX = 'sg_';
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^sg_[A-Za-z0-9_-]{43}$/;

interface TokenDeps {
  randomBytes?: (size: number) => Buffer;
  clock?: Clock;
}

/** Every API request hashes its token: the one-shot digest, without a Hash object per request. */
function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

export function looksLikeApiToken(token: string): boolean {
  return token.startsWith(TOKEN_PREFIX);
}

/** The token text is returned once, here; afterwards only its hash exists. */
export async function issueApiToken(
  tokens: TokenStore,
  request: { name: string; role: TokenRole; owner?: TokenOwner },
  deps: TokenDeps = {},
): Promise<{ token: string; record: ApiTokenRecord }> {
  const random = deps.randomBytes ?? randomBytes;
  const token = `${TOKEN_PREFIX}${random(TOKEN_BYTES).toString('base64url')}`;
  const record: ApiTokenRecord = {
    id: random(8).toString('hex'),
    name: request.name,
    role: request.role,
    hash: hashToken(token),
    createdAt: new Date((deps.clock ?? systemClock).now()).toISOString(),
    ...(request.owner ? { owner: request.owner } : {}),
  };
  await tokens.insert(record);
  return { token, record };
}

/** Revokes an active token, stamped by `clock`; false when there is no active token with that ID. */
export function revokeToken(tokens: TokenStore, id: string, clock: Clock = systemClock): Promise<boolean> {
  return tokens.revoke(id, new Date(clock.now()).toISOString());
}

/**
 * A token with an owner is that person: their name and mailbox. One without (issued before owners existed, or
 * for a machine) is known by the token's name and has no mailbox.
 */
function callerOfToken(record: ApiTokenRecord): Caller {
  const { owner } = record;
  const name = owner ? owner.name : record.name;
  return {
    kind: 'token',
    subject: `token:${record.id}`,
    ...(name !== undefined ? { name } : {}),
    ...(owner ? { address: owner.address } : {}),
    roles: record.role === 'admin' ? ['sender', 'admin'] : ['sender'],
  };
}

type TokenVerdict = { caller: Caller } | { reason: string };

function verdictOf(record: ApiTokenRecord | undefined): TokenVerdict {
  if (!record) return { reason: 'unknown API token' };
  if (record.revokedAt) return { reason: `revoked API token ${record.id}` };
  return { caller: callerOfToken(record) };
}

/**
 * The caller a token stands for, or the reason it stands for no one: at once for a token the store holds in memory
 * (every request of a known sender), else once the store answers.
 */
export function verifyApiToken(tokens: TokenStore, token: string): TokenVerdict | Promise<TokenVerdict> {
  if (!TOKEN_PATTERN.test(token)) return { reason: 'malformed API token' };
  const hash = hashToken(token);
  const held = tokens.held?.(hash);
  return held ? verdictOf(held) : tokens.findByHash(hash).then(verdictOf);
}
