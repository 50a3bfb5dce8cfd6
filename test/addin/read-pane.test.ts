/**
 * @jest-environment jsdom
 */
/**
 * The shared read pane in jsdom over a fake ReadHost: the summary line first, each hop as a list item (from → by,
 * when, TLS in plain words), the caveats, and a header block that cannot be read shown as an error.
 */
import { render, screen, within } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createElement } from 'react';
import type { ReadHost } from '../../src/addin/host';
import { ReadPane } from '../../src/addin/ui/ReadPane';
import { describeSummary, receivedReport } from '../../src/core/received';

globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};

const FIXTURES = join(__dirname, '..', 'fixtures', 'received');
const fixture = (name: string) => readFileSync(join(FIXTURES, `${name}.eml`), 'utf8');

function host(headers: () => Promise<string>): ReadHost {
  return { getAllHeaders: headers, theme: () => 'light' };
}

async function hops(): Promise<HTMLElement[]> {
  const list = await screen.findByRole('list', { name: 'Hops, oldest first' });
  return within(list).getAllByRole('listitem');
}

describe('ReadPane', () => {
  test('a message encrypted on every network hop: the summary says so and local hand-offs are named', async () => {
    const raw = fixture('postfix-amavis-dovecot');
    render(createElement(ReadPane, { host: host(async () => raw) }));
    const items = await hops();
    expect(items).toHaveLength(5);
    expect(screen.getByRole('status').textContent).toContain(describeSummary(receivedReport(raw)));
    expect(screen.getByRole('status').textContent).toMatch(
      /^Encrypted on every hop the headers record \(2 of 2\)/,
    );
    expect(items[0]!.textContent).toMatch(/^Hop 1:.*→/);
    expect(items[0]!.textContent).toContain('TLS 1.3');
    expect(items[1]!.textContent).toContain('TLS 1.2');
    expect(items[2]!.textContent).toContain('local hand-off');
  });

  test('a plain hop is named NOT ENCRYPTED, and the summary counts it', async () => {
    const raw = fixture('exim-legacy');
    const report = receivedReport(raw);
    render(createElement(ReadPane, { host: host(async () => raw) }));
    const items = await hops();
    expect(items).toHaveLength(report.hops.length);
    const plain = report.hops.findIndex((hop) => hop.tls === 'plain');
    expect(items[plain]!.textContent).toContain('NOT ENCRYPTED');
    expect(screen.getByRole('status').textContent).toMatch(/^NOT encrypted on /);
  });

  test('each hop names both ends and when; the caveats follow under their own heading', async () => {
    const raw = fixture('gmail-to-gmail');
    const report = receivedReport(raw);
    render(createElement(ReadPane, { host: host(async () => raw) }));
    const items = await hops();
    report.hops.forEach((hop, i) => {
      if (hop.from) expect(items[i]!.textContent).toContain(hop.from);
      if (hop.by) expect(items[i]!.textContent).toContain(hop.by);
      expect(items[i]!.textContent).not.toContain('time not recorded');
    });
    const caveats = screen.getByRole('list', { name: 'What the headers cannot prove' });
    expect(
      within(caveats)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(report.caveats);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Did this message travel encrypted?');
  });

  test('no Received lines: no hop list, the summary says so, and the caveat explains', async () => {
    render(createElement(ReadPane, { host: host(async () => 'Subject: draft\r\n\r\nbody') }));
    await screen.findByRole('status');
    expect(screen.getByRole('status').textContent).toContain('The headers record no hop between servers');
    expect(screen.queryByRole('list', { name: 'Hops, oldest first' })).toBeNull();
    expect(screen.getByText(/has no Received lines/)).toBeTruthy();
  });

  test('headers that cannot be read are an error, never a report', async () => {
    render(
      createElement(ReadPane, {
        host: host(() => Promise.reject(new Error('reading the message headers failed: item gone'))),
      }),
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('could not be read: reading the message headers failed: item gone');
    expect(screen.queryByRole('status')).toBeNull();
  });

  test('while reading, the pane says so and is marked busy', () => {
    const { container } = render(createElement(ReadPane, { host: host(() => new Promise(() => undefined)) }));
    expect(screen.getByText('Reading the message headers…')).toBeTruthy();
    expect(container.querySelector('[aria-busy="true"]')).not.toBeNull();
  });
});
