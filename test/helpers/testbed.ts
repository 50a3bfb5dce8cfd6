/**
 * The offline test bed as tests see it: jest's global set-up (test/global-setup.ts) brings it up once for the
 * whole run; a test file run on its own brings it up here (up.sh is idempotent and leaves a running bed alone).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TESTBED_DIR = join(__dirname, '..', 'testbed');
export const TESTBED_RUN = process.env.SENDGUARD_TESTBED_RUN ?? join(TESTBED_DIR, 'run');

export interface Testbed {
  dns: string;
  caFile: string;
  zone: string;
  https: string;
  /** A resolver that reads every query and answers none. */
  dnsStall: string;
  smtp: Record<string, string>;
  mailDomain: string;
  mailDir: string;
  runDir: string;
}

export interface TestbedCase {
  domain: string;
  expect: string;
  /** Words the first reason must contain: what decided the verdict, not only the verdict word. */
  reason: string;
  /** The check's deadline for this case, when it is not the default. */
  deadlineMs?: number;
  about: string;
}

export function testbed(): Testbed {
  const file = join(TESTBED_RUN, 'bed.json');
  if (!existsSync(file) || !process.env.SENDGUARD_TESTBED_UP) {
    execFileSync(join(TESTBED_DIR, 'up.sh'), { stdio: ['ignore', 'ignore', 'pipe'], timeout: 170_000 });
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Testbed;
}

export function testbedCases(): TestbedCase[] {
  return JSON.parse(readFileSync(join(TESTBED_DIR, 'cases.json'), 'utf8')) as TestbedCase[];
}
