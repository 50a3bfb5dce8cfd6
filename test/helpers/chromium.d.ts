import type { BrowserContext, LaunchOptions } from 'playwright-core';

export const CHROMIUM: string;
export const CHROMIUM_FLAGS: string[];
export function launchChromium(
  options?: Parameters<typeof import('playwright-core').chromium.launchPersistentContext>[1],
): Promise<BrowserContext>;
export type { LaunchOptions };
