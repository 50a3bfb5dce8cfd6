/**
 * The accessibility helpers (test/helpers/axe.ts) on small pages in Chromium whose faults are known: they fail on
 * each fault with the rule or the control named, and pass the same page once it is mended.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { expectAccessible, expectKeyboardWalk, stopLine, tabWalk } from '../helpers/axe';

let browser: BrowserContext;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterAll(() => browser?.close());

async function pageWith(body: string): Promise<Page> {
  const page = await browser.newPage();
  await page.setContent(
    `<!doctype html><html lang="en"><head><title>Fixture</title></head><body><main>${body}</main></body></html>`,
  );
  return page;
}

describe('expectAccessible', () => {
  test('names each serious or critical rule that fails, with the element', async () => {
    const page = await pageWith(
      '<h1>Fixture</h1><p style="color:#bbb;background:#fff">Faint text</p><button id="icon"></button><img src="data:," />',
    );
    const failure = await expectAccessible(page, 'faulty fixture').then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toContain('faulty fixture');
    expect(failure).toMatch(/color-contrast \(serious\)/);
    expect(failure).toMatch(/button-name \(critical\)/);
    expect(failure).toContain('#icon');
    expect(failure).toMatch(/image-alt \(critical\)/);
    await page.close();
  });

  test("Fluent UI's focus guards pass aria-hidden-focus; any other hidden focusable element fails it", async () => {
    const guard = '<i tabindex="0" role="none" aria-hidden="true" data-tabster-dummy=""></i>';
    const guarded = await pageWith(`<h1>Fixture</h1>${guard}<button>Send</button>${guard}`);
    await expect(expectAccessible(guarded, 'guards')).resolves.toBeDefined();
    const hidden = await pageWith('<h1>Fixture</h1><div aria-hidden="true"><button>Hidden</button></div>');
    await expect(expectAccessible(hidden, 'hidden')).rejects.toThrow(/aria-hidden-focus \(serious\)/);
    await Promise.all([guarded.close(), hidden.close()]);
  });

  test('reads colours once a fade-in has ended, not halfway through it', async () => {
    const page = await pageWith('<h1>Fixture</h1><p id="fading">Arriving text</p>');
    await page.evaluate(() => {
      document
        .getElementById('fading')!
        .animate([{ color: '#eeeeee' }, { color: '#000000' }], { duration: 1500, fill: 'forwards' });
    });
    await expect(expectAccessible(page, 'faded in')).resolves.toBeDefined();
    await page.close();
  });

  test('passes the page once mended', async () => {
    const page = await pageWith(
      '<h1>Fixture</h1><p style="color:#555;background:#fff">Readable text</p><button>Send</button><img src="data:," alt="" />',
    );
    await expect(expectAccessible(page, 'mended fixture')).resolves.toBeDefined();
    await page.close();
  });
});

describe('tabWalk and expectKeyboardWalk', () => {
  test('records role and name per stop, in order, and finds the indicator a stylesheet removes', async () => {
    const page = await pageWith(`
      <style>#bare:focus { outline: none; } #ringed:focus-visible { outline: 2px solid #000; }</style>
      <label>Name <input id="name" /></label>
      <button id="bare">Plain</button>
      <button id="ringed">Ringed</button>
      <a href="#top">Top</a>`);
    const walk = await tabWalk(page);
    expect(walk.stops.map((stop) => [stop.role, stop.name])).toEqual([
      ['textbox', 'Name'],
      ['button', 'Plain'],
      ['button', 'Ringed'],
      ['link', 'Top'],
    ]);
    expect(walk.stops.map((stop) => stop.focusIndicator)).toEqual([true, false, true, true]);
    expect(walk.unreached).toEqual([]);
    await expect(expectKeyboardWalk(page, 'fixture')).rejects.toThrow(
      /no visible focus indicator: button "Plain" <button#bare>/,
    );
    await page.close();
  });

  test('names a control Tab never reaches and a stop without a name', async () => {
    const page = await pageWith(`
      <div id="trap" tabindex="0" style="width:20px;height:20px"></div>
      <button id="later">Later</button>`);
    // The trap keeps focus away from the button after it, as a broken widget would.
    await page.evaluate(() => {
      document.getElementById('trap')!.addEventListener('keydown', (event) => {
        if (event.key === 'Tab') event.preventDefault();
      });
    });
    const failure = await expectKeyboardWalk(page, 'trap fixture', { maxStops: 3 }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toContain('not reached with Tab: <button#later> "Later"');
    expect(failure).toMatch(/no accessible name: generic <div#trap>/);
    await page.close();
  });

  test('walks inside a container only; a radio group and an arrow-key group need one member reached', async () => {
    const page = await pageWith(`
      <button>Outside</button>
      <div id="dialog" role="dialog" aria-label="Choose">
        <label><input type="radio" name="proof" /> Passcode</label>
        <label><input type="radio" name="proof" checked /> Code by mail</label>
        <div role="tablist" data-tabster='{"mover":{"cyclic":false,"direction":1}}'>
          <button role="tab" id="first">First</button><button role="tab" id="second">Second</button>
        </div>
        <button>Continue</button>
      </div>`);
    // What tabster does for its mover: Tab from a member leaves the group.
    await page.evaluate(() => {
      document.getElementById('first')!.addEventListener('keydown', (event) => {
        if (event.key !== 'Tab' || event.shiftKey) return;
        event.preventDefault();
        document.querySelector<HTMLElement>('#dialog > button')!.focus();
      });
    });
    const walk = await tabWalk(page, { within: '#dialog' });
    expect(walk.stops.map((stop) => [stop.role, stop.name])).toEqual([
      ['radio', 'Code by mail'],
      ['tab', 'First'],
      ['button', 'Continue'],
    ]);
    expect(walk.unreached).toEqual([]);
    await page.close();
  });

  test('a stop inside a same-origin frame is the element focused there, not the frame', async () => {
    const page = await pageWith(`
      <button>Before</button>
      <iframe title="Body" sandbox="allow-same-origin" srcdoc="<p><a href='#x'>Inside</a></p>"></iframe>
      <button>After</button>`);
    await page.locator('iframe').evaluate(
      (frame) =>
        new Promise((resolve) => {
          if ((frame as HTMLIFrameElement).contentDocument?.querySelector('a')) resolve(undefined);
          else frame.addEventListener('load', resolve, { once: true });
        }),
    );
    const walk = await tabWalk(page);
    expect(walk.stops.map(stopLine)).toEqual(['button "Before"', 'link "Inside"', 'button "After"']);
    expect(walk.stops.map((stop) => stop.focusIndicator)).toEqual([true, true, true]);
    await page.close();
  });

  test('an arrow-key group Tab never enters is named, with its size', async () => {
    const page = await pageWith(`
      <div id="trap" tabindex="0" aria-label="Trap" style="outline: 2px solid #000"></div>
      <div role="tablist" data-tabster='{"mover":{}}'><button role="tab">A</button><button role="tab">B</button></div>`);
    await page.evaluate(() => {
      document.getElementById('trap')!.addEventListener('keydown', (event) => {
        if (event.key === 'Tab') event.preventDefault();
      });
    });
    const walk = await tabWalk(page, { maxStops: 3 });
    expect(walk.unreached).toEqual(['<button> "A" (one of a group of 2, none reached)']);
    await page.close();
  });
});
