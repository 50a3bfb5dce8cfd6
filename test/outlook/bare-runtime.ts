/**
 * The built send-handler bundle in a bare context like classic Outlook's JavaScript-only runtime (no window,
 * document, atob or btoa; an Office whose onReady never fires), over a simulated Outlook item whose state a test
 * (or a second runtime, standing for a runtime Outlook started anew) shares. Counts the timers it leaves running.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { simulateOffice, type SimState } from '../../src/outlook/tryit/simulated-office';
import { OUTLOOK_DIST } from './built-addin';

export type FetchImpl = (url: string, init: unknown) => Promise<unknown>;

export interface BareRuntime {
  sim: ReturnType<typeof simulateOffice>;
  pendingTimers: () => number;
}

/** The bundle as built (dist/web/outlook/launchevent.js); read once per call, build it first. */
export function sendHandlerSource(): string {
  return readFileSync(join(OUTLOOK_DIST, 'launchevent.js'), 'utf8');
}

/**
 * A fresh runtime running `source`, its Office over `state` (a new item when not given), its fetch `fetchImpl`,
 * with `globals` besides (`OfficeRuntime`, say) and `office` added to (or replacing parts of) the simulated Office,
 * such as its `auth`.
 */
export function bareRuntime(
  source: string,
  fetchImpl: FetchImpl,
  state?: SimState,
  globals: Record<string, unknown> = {},
  office: Record<string, unknown> = {},
): BareRuntime {
  const sim = simulateOffice(state ? { state } : {});
  let live = 0;
  const context = vm.createContext({
    Office: { ...sim.office, onReady: () => new Promise(() => undefined), ...office },
    fetch: fetchImpl,
    console,
    setTimeout: (fn: () => void, ms: number) => {
      live += 1;
      return setTimeout(() => {
        live -= 1;
        fn();
      }, ms);
    },
    clearTimeout: (timer: NodeJS.Timeout | undefined) => {
      if (timer !== undefined && (timer as unknown as { _destroyed?: boolean })._destroyed === false)
        live -= 1;
      clearTimeout(timer);
    },
    SENDGUARD_CONFIG: { backendUrl: 'https://sendguard.example' },
    ...globals,
  });
  vm.runInContext(source, context, { filename: 'launchevent.js' });
  return { sim, pendingTimers: () => live };
}

/** Runs the handler associated as `name` as Outlook does, with what it completed with and how long it took. */
export async function runEvent(
  runtime: Pick<BareRuntime, 'sim'>,
  name: string,
): Promise<{ completions: Array<Record<string, unknown> | undefined>; ms: number }> {
  const completions: Array<Record<string, unknown> | undefined> = [];
  const started = performance.now();
  let ms = 0;
  await new Promise<void>((resolve) => {
    void runtime.sim.actions.get(name)!({
      completed: (options?: Record<string, unknown>) => {
        ms = performance.now() - started;
        completions.push(options);
        resolve();
      },
    });
  });
  // Any stray callback gets its chance to run (and complete twice) before the caller counts.
  await new Promise((resolve) => setTimeout(resolve, 20));
  return { completions, ms };
}
