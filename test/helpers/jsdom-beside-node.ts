/**
 * A jsdom document in jest's Node environment, for component tests that also run a real server in the same process
 * (jest's jsdom environment lacks what Fastify and Node's fetch need). Import it after the server's modules (openpgp
 * takes a global `document` for a browser's) and before React and Testing Library: it installs the window's
 * properties that Node's global does not already have, as global-jsdom does.
 */
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>', {
  url: 'http://localhost/',
  pretendToBeVisual: true,
});
const window = dom.window as unknown as Record<string, unknown>;
for (const key of Object.getOwnPropertyNames(window)) {
  if (key in globalThis) continue;
  Object.defineProperty(globalThis, key, { configurable: true, get: () => window[key] });
}
Object.assign(globalThis, { window: dom.window, document: dom.window.document });
// jsdom opens no windows (it would log "not implemented"): a page that opens one gets none, as behind a blocker.
dom.window.open = () => null;
// Fluent's MessageBar only needs it to reflow, which jsdom does not do anyway.
(globalThis as { ResizeObserver?: unknown }).ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
