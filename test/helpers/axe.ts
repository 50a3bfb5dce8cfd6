/**
 * Accessibility checks for pages in Chromium (playwright-core, test/helpers/chromium.js):
 *
 * - `expectAccessible(page)` runs axe-core (`@axe-core/playwright`) with the WCAG 2.0/2.1 A and AA rules and the
 *   best practices, and fails listing each serious or critical violation with its rule, the elements it names and
 *   axe's help text. Moderate and minor findings are returned, not failed on.
 * - `tabWalk(page)` presses Tab through the page as a keyboard user does and records each stop: the focused
 *   element's role and accessible name as Chromium exposes them to assistive technology, and whether focusing it
 *   changed how it looks (a visible focus indicator). `expectKeyboardWalk(page)` fails when a control in the page
 *   is never reached, or a stop has no name or no visible indicator.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Result } from 'axe-core';
import type { CDPSession, JSHandle, Page } from 'playwright-core';

/** The rule sets the issue asks for: WCAG 2.1 A/AA (2.0's included) and axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

const FAILING_IMPACTS = new Set(['serious', 'critical']);

export interface AxeScope {
  /** A CSS selector: only this part of the page is checked. */
  include?: string;
  /** CSS selectors of parts left out (say, the simulated Outlook around the pane), each with its reason in the caller. */
  exclude?: string[];
}

/**
 * Fluent UI's focus guards: `<i tabindex="0" aria-hidden="true" data-tabster-dummy>` that tabster puts around
 * roots, dialogs and focus zones and that hand focus on the moment they get it (aria-hidden so that screen readers
 * do not announce them). axe's aria-hidden-focus flags them; tabster's maintainers and Accessibility Insights
 * treat them as a false positive (microsoft/tabster#288, accessibility-insights-web#7605), and so does this
 * helper — for that rule and those elements only.
 */
function isFocusGuard(violation: Result, node: Result['nodes'][number]): boolean {
  return violation.id === 'aria-hidden-focus' && /^<i [^>]*data-tabster-dummy/.test(node.html);
}

/** The violations that fail a page: serious or critical impact, with Fluent UI's focus guards left out. */
export function seriousViolations(violations: readonly Result[]): Result[] {
  return violations
    .filter((violation) => FAILING_IMPACTS.has(violation.impact ?? ''))
    .map((violation) => ({
      ...violation,
      nodes: violation.nodes.filter((node) => !isFocusGuard(violation, node)),
    }))
    .filter((violation) => violation.nodes.length > 0);
}

/** One line per violation and one indented line per element it names: what a failing test prints. */
export function describeViolations(violations: readonly Result[]): string {
  return violations
    .map((violation) => {
      const nodes = violation.nodes.map((node) => {
        const summary = node.failureSummary?.replace(/\s+/g, ' ').trim();
        return `    ${node.target.join(' ')}${summary ? ` — ${summary}` : ''}`;
      });
      return [
        `  ${violation.id} (${violation.impact}): ${violation.help} <${violation.helpUrl}>`,
        ...nodes,
      ].join('\n');
    })
    .join('\n');
}

/**
 * Waits until no finite animation or transition runs: colours read halfway through a dialog's fade-in are
 * blends that fail contrast by chance. Endless ones (a spinner) are not waited for.
 */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document
        .getAnimations()
        .every(
          (animation) =>
            animation.playState !== 'running' ||
            animation.effect?.getComputedTiming().iterations === Infinity,
        ),
    undefined,
    { timeout: 5_000 },
  );
}

/** Runs axe on the page once its animations have ended; the violations of every impact. */
export async function axeViolations(page: Page, scope: AxeScope = {}): Promise<Result[]> {
  await settled(page);
  let builder = new AxeBuilder({ page }).withTags(AXE_TAGS);
  if (scope.include) builder = builder.include(scope.include);
  for (const selector of scope.exclude ?? []) builder = builder.exclude(selector);
  return (await builder.analyze()).violations;
}

/**
 * Fails, naming every serious or critical violation, unless the page has none; `label` says which page and state
 * (e.g. "portal, passcode error, dark"). Returns the lesser violations, for a caller that wants to print them.
 */
export async function expectAccessible(page: Page, label: string, scope: AxeScope = {}): Promise<Result[]> {
  const violations = await axeViolations(page, scope);
  const failing = seriousViolations(violations);
  if (failing.length > 0) {
    throw new Error(
      `${label}: ${failing.length} serious or critical axe violation(s):\n${describeViolations(failing)}`,
    );
  }
  return violations;
}

/** One place the Tab key brought focus to. */
export interface FocusStop {
  /** The role Chromium exposes (`button`, `textbox`, `combobox`, `link`…). */
  role: string;
  /** The accessible name Chromium computes (empty when it has none). */
  name: string;
  /** Its accessible description (aria-describedby, a field's hint), empty when none. */
  description: string;
  /** A short description to find it by in a failure: tag, id, test id, text. */
  element: string;
  /**
   * Whether focusing it changed its outline, shadow, border or background, or those of its ::before/::after;
   * undefined when the page replaced the element before its unfocused look could be read, or the walk ran out of
   * presses on it.
   */
  focusIndicator: boolean | undefined;
}

export interface TabWalk {
  stops: FocusStop[];
  /**
   * Controls in the page that take focus in the tab order and were never reached (descriptions as above); of a
   * radio group or an arrow-key group, reaching one member is enough.
   */
  unreached: string[];
}

/** What a focus indicator can change: on the element and on the pseudo-elements Fluent UI draws its ring with. */
const INDICATOR_PROPERTIES = [
  'outline-style',
  'outline-width',
  'outline-color',
  'outline-offset',
  'box-shadow',
  'border-top-color',
  'border-bottom-color',
  'border-left-color',
  'border-right-color',
  'border-top-width',
  'border-bottom-width',
  'background-color',
  'text-decoration-line',
];

/** The element's look as far as a focus indicator goes, as one string to compare focused and not. */
function indicatorLook(element: Element, properties: string[]): string {
  return [null, '::before', '::after']
    .map((pseudo) => {
      const style = (element.ownerDocument.defaultView ?? window).getComputedStyle(element, pseudo);
      if (pseudo && (style.content === 'none' || style.content === 'normal')) return `${pseudo}:none`;
      return properties.map((property) => style.getPropertyValue(property)).join('|');
    })
    .join('\n');
}

/** A short description of an element for failure messages. */
function describeElement(element: Element): string {
  const id = element.id ? `#${element.id}` : '';
  const testId = element.getAttribute('data-testid');
  const text = (element.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
  return `<${element.tagName.toLowerCase()}${id}${testId ? ` data-testid=${testId}` : ''}>${text ? ` "${text}"` : ''}`;
}

/**
 * The page's controls a Tab press should reach, in groups of which Tab reaches one: focusable in the tab order
 * (tabindex not negative), shown, enabled, not inert. A group is a native radio group, or an arrow-key group that
 * Fluent UI's tabster manages (a tab list, a chart's bars and legend: `data-tabster` with a "mover"), where Tab
 * reaches one member and the arrows move within; every other control is a group of its own. Runs in the page.
 */
function tabbableControls(): Element[][] {
  const selector = [
    'a[href]',
    'button',
    'input:not([type="hidden"])',
    'select',
    'textarea',
    'summary',
    '[tabindex]',
    '[contenteditable="true"]',
  ].join(',');
  const groups = new Map<unknown, Element[]>();
  for (const element of document.querySelectorAll(selector)) {
    const html = element as HTMLElement;
    if (html.tabIndex < 0 || (html as HTMLButtonElement).disabled || html.closest('[inert]')) continue;
    // Fluent UI's focus guards (tabster), which hand focus on the moment they get it.
    if (html.hasAttribute('data-tabster-dummy')) continue;
    if (!html.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    const rect = html.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    const radioGroup =
      html instanceof HTMLInputElement && html.type === 'radio' && html.name
        ? `radio ${html.form?.id ?? ''}/${html.name}`
        : undefined;
    const key = radioGroup ?? html.parentElement?.closest('[data-tabster*="mover"]') ?? html;
    groups.set(key, [...(groups.get(key) ?? []), html]);
  }
  return [...groups.values()];
}

/** Chromium's role, name and description for the page's focused element, from its accessibility tree. */
async function focusedRoleAndName(
  cdp: CDPSession,
): Promise<{ role: string; name: string; description: string }> {
  const { result } = await cdp.send('Runtime.evaluate', { expression: 'sendguardA11y.focused()' });
  if (!result.objectId) return { role: '', name: '', description: '' };
  const { nodes } = await cdp.send('Accessibility.getPartialAXTree', {
    objectId: result.objectId,
    fetchRelatives: false,
  });
  const node = nodes[0];
  const text = (value: { value?: unknown } | undefined) => String(value?.value ?? '').trim();
  return { role: text(node?.role), name: text(node?.name), description: text(node?.description) };
}

/**
 * The focused element, looked for inside same-origin frames too: with focus in a frame the page's own
 * `activeElement` is the frame, whatever inside it has focus. Runs in the page.
 */
function focusedElement(): Element | null {
  let focused = document.activeElement;
  for (;;) {
    const inner = (focused as HTMLIFrameElement | null)?.contentDocument?.activeElement;
    if (!inner || inner === inner.ownerDocument.body) return focused;
    focused = inner;
  }
}

/** What the walk calls in the page, installed once as `window.sendguardA11y`. */
interface PageHelpers {
  focused: () => Element | null;
  look: (element: Element) => string;
  describe: (element: Element) => string;
  tabbable: () => Element[][];
}

/**
 * Installs the helpers: as a string evaluated by the DevTools protocol, which the pages' Content Security Policy
 * (no eval) does not govern, whereas `new Function` inside the page would be refused.
 */
async function installHelpers(page: Page): Promise<void> {
  await page.evaluate(`window.sendguardA11y = {
    look: (element) => (${indicatorLook.toString()})(element, ${JSON.stringify(INDICATOR_PROPERTIES)}),
    describe: ${describeElement.toString()},
    tabbable: ${tabbableControls.toString()},
    focused: ${focusedElement.toString()},
  }`);
}

/** The helpers as the walk's page functions see them (a global of the page, not of this module). */
declare const sendguardA11y: PageHelpers;

/**
 * Puts the sequential-focus starting point before the first control of `within` (or of the document): a
 * placeholder focused there and removed on the first Tab, since after a mere blur Chromium would go on from the
 * element that had focus.
 */
async function startBefore(page: Page, within: string | undefined): Promise<void> {
  await page.evaluate((selector) => {
    const root = selector ? document.querySelector(selector) : document.body;
    if (!root) throw new Error(`tabWalk: nothing matches ${selector}`);
    const start = document.createElement('span');
    start.tabIndex = -1;
    start.dataset.tabWalkStart = '';
    root.prepend(start);
    start.focus();
    start.addEventListener('blur', () => start.remove(), { once: true });
  }, within);
}

/**
 * Presses Tab from the top of the page (or of `within`, say an open dialog that traps focus) until focus comes
 * back to the first stop or leaves the page (or `within`), at most `maxStops` times, and records each stop. The page's state is
 * what the caller set up (a menu open, a dialog shown); the walk ends with focus before the first control again, so
 * that the caller's next Tab reaches it. A stop's focus indicator is judged by comparing its look
 * while focused with its look once the next Tab has moved focus on.
 */
export async function tabWalk(
  page: Page,
  options: { maxStops?: number; within?: string } = {},
): Promise<TabWalk> {
  const maxStops = options.maxStops ?? 150;
  await installHelpers(page);
  const expected = await page.evaluateHandle((within) => {
    const root = within ? document.querySelector(within) : document.body;
    return sendguardA11y.tabbable().filter((group) => root?.contains(group[0]!));
  }, options.within);
  await startBefore(page, options.within);
  const cdp = await page.context().newCDPSession(page);
  try {
    const stops: FocusStop[] = [];
    const reached: JSHandle[] = [];
    let focusedLook = '';
    for (let press = 0; press < maxStops; press++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluateHandle(() => sendguardA11y.focused());
      const [atEnd, previousLook] = await page.evaluate(
        ([element, first, previous, within]) => {
          const root = within ? document.querySelector(within) : document.body;
          // The page's own focused element: the frame, when focus is inside one.
          const top = document.activeElement;
          return [
            !element || top === document.body || element === first || !root?.contains(top),
            previous?.isConnected ? sendguardA11y.look(previous as Element) : undefined,
          ];
        },
        [focused, reached[0], reached.at(-1), options.within] as const,
      );
      const previous = stops.at(-1);
      if (previous)
        previous.focusIndicator = previousLook === undefined ? undefined : previousLook !== focusedLook;
      if (atEnd) break;
      reached.push(focused);
      const { role, name, description } = await focusedRoleAndName(cdp);
      const [element, look] = await page.evaluate(
        (target) => [sendguardA11y.describe(target as Element), sendguardA11y.look(target as Element)],
        focused,
      );
      focusedLook = look;
      stops.push({ role, name, description, element, focusIndicator: undefined });
    }
    const unreached = await page.evaluate(
      ([groups, ...seen]) =>
        (groups as Element[][])
          .filter((group) => !group.some((element) => seen.includes(element)))
          .map(
            (group) =>
              sendguardA11y.describe(group[0]!) +
              (group.length > 1 ? ` (one of a group of ${group.length}, none reached)` : ''),
          ),
      [expected, ...reached] as const,
    );
    // Left as found: the next Tab goes to the first control, as on a page the keyboard user just reached.
    await startBefore(page, options.within);
    return { stops, unreached };
  } finally {
    await cdp.detach();
  }
}

/**
 * Walks the page with Tab and fails listing every control the walk did not reach, every stop without an
 * accessible name, and every stop whose look does not change when focused. Returns the walk, for a caller that
 * then checks the order or particular stops.
 */
export async function expectKeyboardWalk(
  page: Page,
  label: string,
  options: { maxStops?: number; within?: string } = {},
): Promise<TabWalk> {
  const walk = await tabWalk(page, options);
  const problems = [
    ...walk.unreached.map((element) => `not reached with Tab: ${element}`),
    ...walk.stops
      .filter((stop) => !stop.name)
      .map((stop) => `no accessible name: ${stop.role} ${stop.element}`),
    ...walk.stops
      .filter((stop) => stop.focusIndicator === false)
      .map((stop) => `no visible focus indicator: ${stop.role} "${stop.name}" ${stop.element}`),
  ];
  if (walk.stops.length === 0) problems.push('Tab reaches nothing in the page');
  if (problems.length > 0) throw new Error(`${label}, keyboard walk:\n  ${problems.join('\n  ')}`);
  return walk;
}

/**
 * Moves focus with Tab alone to the first stop whose line (`role "name"`) matches `target` (or that `target`
 * accepts), as a keyboard user gets there from the top of the page (or of `within`); fails naming the stops when
 * none matches.
 */
export async function tabTo(
  page: Page,
  target: RegExp | ((stop: FocusStop) => boolean),
  options: { within?: string } = {},
): Promise<FocusStop> {
  const matches = target instanceof RegExp ? (stop: FocusStop) => target.test(stopLine(stop)) : target;
  const { stops } = await tabWalk(page, options);
  const index = stops.findIndex(matches);
  if (index < 0)
    throw new Error(`Tab reaches no ${String(target)}; it reaches:\n  ${stops.map(stopLine).join('\n  ')}`);
  for (let press = 0; press <= index; press++) await page.keyboard.press('Tab');
  return stops[index]!;
}

/** A stop's line for a report: role and name. */
export function stopLine(stop: FocusStop): string {
  return `${stop.role} "${stop.name}"`;
}
