/**
 * The organisation's keyring: a directory of armored certificates (`*.asc`) an admin manages for partners who
 * publish nothing. It is re-read when it changes, noticed by listing and stat-ing the directory at most once per
 * interval on lookup: fs.watch misses changes on network and container-mounted file systems and when editors
 * replace files by renaming, and a poll on lookup needs no timer to clean up.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../core/clock';
import { KeyReadError, readKeyBlock } from './key-read';
import { mailboxKey } from '../../core/addresses';
import { userIdEmail } from './mailbox';
import type { PublicKey } from './openpgp';

/** An admin's file larger than this is a mistake (a whole keyserver dump), reported rather than read. */
const ORG_KEY_MAX_BYTES = 1024 * 1024;
const ORG_RECHECK_MS = 5000;

export interface OrgKeyring {
  /** The certificates with a user ID for `address` (compared as `mailboxKey`), unvalidated. */
  keysFor(address: string): Promise<PublicKey[]>;
}

interface KeyringProblem {
  file: string;
  reason: string;
}

interface Snapshot {
  /** File name, size and modification time of every `*.asc`: a change in any means reload. */
  signature: string;
  byAddress: Map<string, PublicKey[]>;
  problems: KeyringProblem[];
}

export class DirectoryKeyring implements OrgKeyring {
  private snapshot: Snapshot = { signature: '', byAddress: new Map(), problems: [] };
  private checkedAt = -Infinity;
  private checking: Promise<void> | undefined;

  constructor(
    readonly directory: string,
    private readonly options: { recheckMs?: number; clock?: Clock } = {},
  ) {}

  async keysFor(address: string): Promise<PublicKey[]> {
    await this.refresh();
    return this.snapshot.byAddress.get(mailboxKey(address) ?? '') ?? [];
  }

  /** Files that could not be read at the last load, for the admin. */
  async problems(): Promise<KeyringProblem[]> {
    await this.refresh();
    return this.snapshot.problems;
  }

  /** Concurrent lookups share one check. */
  private refresh(): Promise<void> {
    const now = (this.options.clock ?? systemClock).monotonic();
    if (now - this.checkedAt < (this.options.recheckMs ?? ORG_RECHECK_MS)) return Promise.resolve();
    this.checking ??= this.reloadIfChanged().finally(() => {
      this.checkedAt = now;
      this.checking = undefined;
    });
    return this.checking;
  }

  private async reloadIfChanged(): Promise<void> {
    const files = (await readdir(this.directory)).filter((name) => name.endsWith('.asc')).sort();
    const stats = await Promise.all(files.map((name) => stat(join(this.directory, name))));
    const signature = files.map((name, i) => `${name}:${stats[i]?.size}:${stats[i]?.mtimeMs}`).join('\n');
    if (signature === this.snapshot.signature) return;
    this.snapshot = { signature, ...(await loadKeyring(this.directory, files)) };
  }
}

/** Reads each file on its own, so one broken file costs its keys only. */
async function loadKeyring(directory: string, files: string[]) {
  const byAddress = new Map<string, PublicKey[]>();
  const problems: KeyringProblem[] = [];
  for (const file of files) {
    try {
      for (const key of await readKeyFile(join(directory, file))) index(byAddress, key);
    } catch (error) {
      if (!(error instanceof KeyReadError)) throw error;
      problems.push({ file, reason: error.message });
    }
  }
  return { byAddress, problems };
}

async function readKeyFile(path: string): Promise<PublicKey[]> {
  const { size } = await stat(path);
  if (size > ORG_KEY_MAX_BYTES) throw new KeyReadError(`the file is larger than ${ORG_KEY_MAX_BYTES} bytes`);
  return readKeyBlock(await readFile(path));
}

function index(byAddress: Map<string, PublicKey[]>, key: PublicKey): void {
  const addresses = new Set(
    key.users.map((user) => mailboxKey(userIdEmail(user) ?? '')).filter((k): k is string => k !== undefined),
  );
  for (const address of addresses) byAddress.set(address, [...(byAddress.get(address) ?? []), key]);
}
