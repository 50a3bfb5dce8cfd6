/**
 * The message display button's ReadHost against the fake messenger: the raw source of the message shown in the
 * tab, only as much of it as the parser reads, and plain errors for a tab with no message or no such tab.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { receivedReport } from '../../src/core/received';
import { MAX_HEADER_CHARS } from '../../src/core/received/header-block';
import { createMessageReadHost } from '../../src/thunderbird/message-read-host';
import { fakeMessenger } from './fake-messenger';

const RAW = readFileSync(join(__dirname, '..', 'fixtures', 'received', 'opensmtpd.eml'), 'utf8');

describe('createMessageReadHost', () => {
  test('reads the displayed message’s source, and the report comes out of it', async () => {
    const fake = fakeMessenger();
    fake.openCompose({ to: ['someone@example.org'] });
    const { tab } = fake.displayMessage(RAW, 'Quarterly report');
    const host = createMessageReadHost(fake.api, tab.id!, () => false);
    const headers = await host.getAllHeaders();
    expect(headers).toBe(RAW);
    expect(receivedReport(headers).summary).toBe('all-tls');
    expect(host.theme()).toBe('light');
  });

  test('a large message is read only as far as the parser would read it', async () => {
    const fake = fakeMessenger();
    const big = `${RAW}\r\n${'x'.repeat(2 * MAX_HEADER_CHARS)}`;
    const { tab } = fake.displayMessage(big);
    const headers = await createMessageReadHost(fake.api, tab.id!, () => true).getAllHeaders();
    expect(headers).toHaveLength(MAX_HEADER_CHARS + 1);
    expect(receivedReport(headers).hops).toHaveLength(receivedReport(RAW).hops.length);
  });

  test('the popup finds the tab it was opened from by asking for the active one', async () => {
    const fake = fakeMessenger();
    fake.displayMessage('Subject: older\r\n\r\n');
    const { tab } = fake.displayMessage(RAW);
    const active = await fake.api.tabs.query({ active: true, currentWindow: true });
    expect(active.map((t) => t.id)).toEqual([tab.id]);
  });

  test('a tab with no message shown, or no such tab, is an error in words', async () => {
    const fake = fakeMessenger();
    const { tab } = fake.displayMessage(null);
    await expect(createMessageReadHost(fake.api, tab.id!, () => false).getAllHeaders()).rejects.toThrow(
      'no single message is shown in this tab',
    );
    await expect(createMessageReadHost(fake.api, 999, () => false).getAllHeaders()).rejects.toThrow(
      'Invalid tab ID: 999',
    );
  });
});
