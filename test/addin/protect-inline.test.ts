/**
 * OpenPGP and secure pickup on an Outlook-like message, whose inline image is a listed attachment (`inline`, with
 * its content id) beside a file and an attached message: nothing stays on the message in the clear and nothing is
 * lost. OpenPGP turns every attachment, the image too, into a `.pgp` file GnuPG decrypts to the original bytes;
 * secure pickup stores them all, as the recipient's portal client reads them back from a real escrow service,
 * and leaves the notice with no attachment. And OpenPGP on a Thunderbird-like message, whose inline images are
 * `data:` URLs in the HTML that no attachment list shows: each goes as a `.pgp` file too.
 */
import { escrowMessage } from '../../src/addin/protect/escrow/escrow-message';
import { applyPlan, type ApplyDeps } from '../../src/addin/protect/apply';
import { doneText } from '../../src/addin/ui/use-apply';
import { loadMessage, planWith } from '../../src/addin/state';
import type { Policy } from '../../src/core/policy/schema';
import { nodeFetch, pickupByCode, recordingMailer, startEscrowServer } from '../escrow/harness';
import { defaultPolicy } from '../helpers/policy';
import { gpgDecrypt, gpgKey, peerHome } from './openpgp-peers';
import { A, B, fakeHost, splitBackend, splitPolicy, wholeMessage, type Item } from './split-fakes';

/** The message as an Outlook compose item lists it: a file, an attached message and an inline image. */
function outlookMessage(to: string): Item {
  const item = wholeMessage({ to: [{ address: to }] });
  expect(item.attachments.map((a) => [a.name, a.inline, a.contentId])).toEqual([
    ['contract.pdf', false, undefined],
    ['minutes.eml', false, undefined],
    ['logo.png', true, 'logo@example.gov'],
  ]);
  return item;
}

async function applied(
  item: Item,
  policy: Policy,
  keys: Record<string, string>,
  extra: Partial<ApplyDeps> & { classification?: string },
) {
  const { classification, ...connection } = extra;
  const { host } = fakeHost(item, { carries: null });
  const deps: ApplyDeps = {
    host,
    backend: splitBackend(policy, keys),
    backendUrl: 'https://sg.example',
    randomHex: () => '00',
    ...connection,
  };
  const loaded = await loadMessage(deps);
  return { deps, loaded, planned: planWith(loaded, classification) };
}

test('OpenPGP: every attachment, the inline image too, leaves as a .pgp file gpg decrypts to its bytes; no original stays', async () => {
  const bob = gpgKey(peerHome(), `Bob <${B}>`);
  const item = outlookMessage(B);
  const originals = item.attachments.map((a) => ({ name: a.name, data: Buffer.from(a.data) }));
  const { deps, loaded, planned } = await applied(item, splitPolicy(), { [B]: bob.publicKey }, {});
  expect(planned.plan.action).toBe('pgp');

  const result = await applyPlan(planned, loaded, deps);

  expect(doneText(result)).toBe(
    'The message and its attachments are encrypted with OpenPGP. You can send it.',
  );
  expect(item.attachments.map((a) => [a.name, a.contentType, a.inline])).toEqual(
    originals.map((o) => [`${o.name}.pgp`, 'application/pgp-encrypted', false]),
  );
  for (const [index, original] of originals.entries()) {
    const decrypted = gpgDecrypt([bob.secretFile], Buffer.from(item.attachments[index]!.data));
    expect([original.name, decrypted.equals(original.data)]).toEqual([original.name, true]);
  }
  expect(item.html).toBe('');
  expect(item.text).toMatch(/^-----BEGIN PGP MESSAGE-----/);
}, 60_000);

/** Every byte value, and the same reversed: pictures whose bytes must come back exactly. */
const CHART = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const SKETCH = Buffer.from(CHART).reverse();
/** The HTML as Thunderbird's serializer writes an attribute: `&` and `"` as references. */
const inAttribute = (url: string) => url.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
/** Every byte percent-encoded but letters, digits and a few marks that stand for themselves, `&` and `"` among them. */
const percentEncoded = (bytes: Buffer) =>
  [...bytes]
    .map((b) => {
      const char = String.fromCharCode(b);
      return /[A-Za-z0-9&"'()*]/.test(char) ? char : `%${b.toString(16).padStart(2, '0')}`;
    })
    .join('');

/**
 * A Thunderbird compose item: a listed file named like the first picture, and two pictures in the HTML only, one
 * from the image dialog (`filename=`, base64) shown twice, one pasted (no name, percent-encoded).
 */
function thunderbirdMessage(to: string): Item {
  const item = wholeMessage({ to: [{ address: to }] });
  const dialog = `data:image/png;filename=chart.png;base64,${CHART.toString('base64')}`;
  const pasted = `data:image/gif,${percentEncoded(SKETCH)}`;
  item.html =
    `<p>Figures:</p><p><img src="${inAttribute(dialog)}" alt="chart" moz-do-not-send="false"></p>` +
    `<p><img src="${inAttribute(pasted)}"></p><p>Again: <img src="${inAttribute(dialog)}"></p>`;
  item.attachments = [item.attachments[0]!];
  item.attachments[0]!.name = 'chart.png';
  return item;
}

test('OpenPGP: the pictures a Thunderbird body holds as data: URLs leave as .pgp files gpg decrypts to their bytes', async () => {
  const bob = gpgKey(peerHome(), `Bob <${B}>`);
  const item = thunderbirdMessage(B);
  const listed = Buffer.from(item.attachments[0]!.data);
  const { deps, loaded, planned } = await applied(item, splitPolicy(), { [B]: bob.publicKey }, {});
  expect(planned.plan.action).toBe('pgp');

  const result = await applyPlan(planned, loaded, deps);

  expect(result.pgp).toEqual({ bodyImages: 2 });
  expect(doneText(result)).toBe(
    'The message and its attachments are encrypted with OpenPGP; the 2 pictures in the body arrive as encrypted attachments. You can send it.',
  );
  const expected = [
    ['chart.png.pgp', listed],
    ['chart (2).png.pgp', CHART],
    ['image-1.gif.pgp', SKETCH],
  ] as const;
  expect(item.attachments.map((a) => [a.name, a.contentType])).toEqual(
    expected.map(([name]) => [name, 'application/pgp-encrypted']),
  );
  for (const [index, [name, bytes]] of expected.entries()) {
    const decrypted = gpgDecrypt([bob.secretFile], Buffer.from(item.attachments[index]!.data));
    expect([name, decrypted.equals(bytes)]).toEqual([name, true]);
  }
  expect(item.html).toBe('');
  expect(item.text).toMatch(/^-----BEGIN PGP MESSAGE-----/);
}, 60_000);

test('the pane’s sentence names a single picture in the singular, and says nothing of pictures when none went', () => {
  expect(doneText({ action: 'pgp', pgp: { bodyImages: 1 } })).toBe(
    'The message and its attachments are encrypted with OpenPGP; the picture in the body arrives as an encrypted attachment. You can send it.',
  );
  expect(doneText({ action: 'pgp', pgp: { bodyImages: 0 } })).toBe(doneText({ action: 'pgp' }));
});

describe('secure pickup', () => {
  const mailer = recordingMailer();
  let server: Awaited<ReturnType<typeof startEscrowServer>>;
  beforeAll(async () => {
    server = await startEscrowServer({ mailer });
  });
  afterAll(() => server.close());

  test('every attachment, the inline image too, is stored and read back byte for byte; the notice carries none', async () => {
    const passcode = 'kx9#Lm2qPz!w';
    const item = outlookMessage(A);
    const originals = item.attachments.map((a) => ({
      name: a.name,
      type: a.contentType,
      data: Buffer.from(a.data),
    }));
    const html = item.html;
    const { deps, loaded, planned } = await applied(
      item,
      defaultPolicy(),
      {},
      {
        backendUrl: server.url,
        token: server.token,
        escrow: (request) => escrowMessage({ ...request, fetch: nodeFetch }),
        // End to end: no key for A, so the shipped policy gives secure pickup, opened with the passcode.
        classification: 'restricted',
      },
    );
    expect(planned.plan.action).toBe('escrow');
    expect(planned.plan.recipients[0]?.proof).toBe('passcode');

    await applyPlan(planned, loaded, deps, undefined, { passcode });

    expect(item.attachments).toEqual([]);
    const link = /https?:\/\/[^\s"<>]+\/pickup\/#r1\.[\w.-]+/.exec(item.html)?.[0];
    expect(link).toBeDefined();
    const client = await pickupByCode(server, mailer, { pickupUrl: link! }, A);
    const { passcodeSalt } = await client.info();
    const { manifest } = await client.open({ text: passcode, salt: passcodeSalt! });
    expect(manifest.html).toBe(html);
    expect(manifest.attachments.map((a) => [a.name, a.type, a.size])).toEqual(
      originals.map((o) => [o.name, o.type, o.data.length]),
    );
    for (const [index, original] of originals.entries()) {
      const stored = Buffer.from(await (await client.attachment(index)).arrayBuffer());
      expect([original.name, stored.equals(original.data)]).toEqual([original.name, true]);
    }
  }, 60_000);
});
