/**
 * The Office.js adapter over office-addin-mock: every `*Async` call becomes a promise, failures reject with
 * Office's message, attachments cross as base64 without atob/btoa, and the theme follows the host.
 */
import { OfficeMockObject } from 'office-addin-mock';

// office-addin-mock reads only the host names from office-addin-manifest, whose own dependencies are ESM-only and
// cannot load under jest's CommonJS runtime: the names are given here instead.
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
import { createOfficeHost, themeOf } from '../../src/outlook/office-host';
import { simulateOffice } from '../../src/outlook/tryit/simulated-office';

function mocked(options: Parameters<typeof simulateOffice>[0] = {}) {
  const sim = simulateOffice(options);
  const office = new OfficeMockObject(sim.office, 'outlook' as never) as unknown as typeof Office;
  return { sim, office, host: createOfficeHost(office) };
}

describe('createOfficeHost', () => {
  test('reads recipients by field, without repeating an address as its own display name', async () => {
    const { sim, host } = mocked();
    sim.state.to = [{ emailAddress: 'a@x.example', displayName: 'Ann' }];
    sim.state.bcc = [{ emailAddress: 'b@y.example', displayName: 'b@y.example' }];
    await expect(host.getRecipients()).resolves.toEqual({
      to: [{ address: 'a@x.example', displayName: 'Ann' }],
      cc: [],
      bcc: [{ address: 'b@y.example' }],
    });
  });

  test('sets subject, body and headers, reads one header back whatever its case, and saves', async () => {
    const { sim, host } = mocked();
    await host.setSubject('#secure# Hi');
    await host.setBody({ format: 'text', content: '-----BEGIN PGP MESSAGE-----' });
    await host.setHeaders({ 'X-Sendguard-Applied': 'v=1' });
    await host.save();
    expect(sim.state).toMatchObject({
      subject: '#secure# Hi',
      text: '-----BEGIN PGP MESSAGE-----',
      saved: 1,
    });
    await expect(host.getHeader('x-sendguard-applied')).resolves.toBe('v=1');
    await expect(host.getHeader('X-Other')).resolves.toBeUndefined();
  });

  test('attachments go in and out as bytes', async () => {
    const { host } = mocked();
    const bytes = new Uint8Array(70_001).map((_, i) => (i * 31) & 255);
    await host.addAttachment({
      name: 'a.bin.pgp',
      contentType: 'application/pgp-encrypted',
      data: bytes.buffer,
    });
    const [listed] = await host.listAttachments();
    expect(listed).toMatchObject({ name: 'a.bin.pgp', inline: false });
    expect(new Uint8Array(await host.getAttachmentContent(listed!.id))).toEqual(bytes);
    await host.removeAttachment(listed!.id);
    await expect(host.listAttachments()).resolves.toEqual([]);
  });

  test('a failed call rejects with what Office said', async () => {
    const { host } = mocked();
    await expect(host.getAttachmentContent('missing')).rejects.toThrow(
      'reading an attachment failed: no attachment missing',
    );
  });

  test('informational notices name the manifest icon; split is offered only with Mailbox 1.9', async () => {
    const { sim, host } = mocked();
    await host.notify({ id: 'n', kind: 'info', text: '1 recipient: 1 forced TLS' });
    expect(sim.state.notices.n).toEqual({
      type: 'informationalMessage',
      message: '1 recipient: 1 forced TLS',
    });
    expect(host.openNewMessage).toBeDefined();
    expect(mocked({ canOpenMessages: false }).host.openNewMessage).toBeUndefined();
  });

  test('the theme is dark when the host body background is dark', () => {
    expect(themeOf(mocked({ theme: 'dark' }).office)).toBe('dark');
    expect(themeOf(mocked({ theme: 'light' }).office)).toBe('light');
  });
});
