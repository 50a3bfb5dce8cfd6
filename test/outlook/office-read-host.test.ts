/**
 * The Office.js read adapter over office-addin-mock: the raw header block from getAllInternetHeadersAsync as a
 * promise, Office's own failure message, a clear refusal where the client lacks Mailbox 1.8, and the theme.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OfficeMockObject } from 'office-addin-mock';

// As in office-host.test.ts: office-addin-manifest's ESM-only dependencies cannot load under jest.
jest.mock('office-addin-manifest', () => ({
  OfficeApp: {
    Excel: 'excel',
    OneNote: 'onenote',
    Outlook: 'outlook',
    PowerPoint: 'powerpoint',
    Project: 'project',
    Word: 'word',
  },
}));
import { createOfficeReadHost } from '../../src/outlook/office-read-host';
import { simulateOffice } from '../../src/outlook/tryit/simulated-office';
import { receivedReport } from '../../src/core/received';

const RAW = readFileSync(join(__dirname, '..', 'fixtures', 'received', 'sendmail.eml'), 'utf8');

function mocked(data: Record<string, unknown>) {
  return createOfficeReadHost(new OfficeMockObject(data, 'outlook' as never) as unknown as typeof Office);
}

describe('createOfficeReadHost', () => {
  test('gives the received item’s header block as Outlook returns it', async () => {
    const sim = simulateOffice({ received: RAW, theme: 'dark' });
    const host = mocked(sim.office);
    const headers = await host.getAllHeaders();
    expect(headers).toBe(RAW);
    expect(receivedReport(headers).summary).toBe('all-tls');
    expect(host.theme()).toBe('dark');
  });

  test('a failed call rejects with Office’s message', async () => {
    const host = mocked({
      context: {
        mailbox: {
          item: {
            getAllInternetHeadersAsync: (cb: (r: unknown) => void) =>
              cb({ status: 'failed', error: { code: 9002, message: 'Internal protocol error' } }),
          },
        },
      },
    });
    await expect(host.getAllHeaders()).rejects.toThrow(
      'reading the message headers failed: Internal protocol error',
    );
  });

  test('a client without Mailbox 1.8 (no getAllInternetHeadersAsync) is told plainly, not a TypeError', async () => {
    const host = mocked({ context: { mailbox: { item: { itemType: 'message' } } } });
    await expect(host.getAllHeaders()).rejects.toThrow(/cannot give add-ins the message headers/);
    // No item at all (office-addin-mock cannot hold a null): the pane opened with no message selected.
    const none = createOfficeReadHost({ context: { mailbox: { item: null } } } as unknown as typeof Office);
    await expect(none.getAllHeaders()).rejects.toThrow(/cannot give add-ins the message headers/);
  });

  test('looks the item up at each call rather than keeping the first one', async () => {
    const first = simulateOffice({ received: RAW });
    const office = first.office as { context: { mailbox: { item: unknown } } };
    const host = createOfficeReadHost(office as unknown as typeof Office);
    await expect(host.getAllHeaders()).resolves.toBe(RAW);
    office.context.mailbox.item = (
      simulateOffice({ received: 'Subject: next\r\n' }).office as typeof office
    ).context.mailbox.item;
    await expect(host.getAllHeaders()).resolves.toBe('Subject: next\r\n');
  });
});
