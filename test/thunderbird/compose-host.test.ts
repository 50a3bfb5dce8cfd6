/**
 * The pane's `MailHost` over `messenger.compose`, against the fake: Thunderbird never switches a composer between
 * HTML and plain text through setComposeDetails (it ignores `isPlainText` and drops a body of the other format),
 * so a replaced body must arrive in the composer's own format, or the pane would report a message encrypted
 * whose body never changed.
 */
import { createComposeHost } from '../../src/thunderbird/compose-host';
import { fakeMessenger } from './fake-messenger';

const ARMORED = [
  '-----BEGIN PGP MESSAGE-----',
  '',
  'wV4DmT5XWW3tm4wSAQdA181h2ZllPHGIsFEohD8Rj8T7WASLZthS+HHq751l',
  'JQv2a2gBOCQOfJKufdYGZAVldKcEIDdDuPTepIpx/49G1nNh75yuemrYMQ==',
  '=Np6o',
  '-----END PGP MESSAGE-----',
].join('\n');

test('an OpenPGP body replaces the text of an HTML composer line for line', async () => {
  const tb = fakeMessenger();
  const tab = tb.openCompose({ body: '<p>Please pay to IBAN DE89 3704 0044 0532 0130 00.</p>' });
  const host = createComposeHost(tb.api, tab.id!, () => false);
  await host.setBody({ format: 'text', content: ARMORED });
  const details = tb.composeTabs.get(tab.id!)!.details;
  expect(details.isPlainText).toBe(false);
  expect(details.body).toBe(`<pre>${ARMORED}</pre>`);
  expect(await host.getBody('text')).toBe(ARMORED);
});

test('a plain-text composer keeps a text body as it is and gets the text of an HTML one, links included', async () => {
  const tb = fakeMessenger();
  const tab = tb.openCompose({ isPlainText: true, plainTextBody: 'Hello', body: 'Hello' });
  const host = createComposeHost(tb.api, tab.id!, () => false);
  await host.setBody({ format: 'text', content: ARMORED });
  expect(await host.getBody('text')).toBe(ARMORED);
  await host.setBody({
    format: 'html',
    content:
      '<p>Your message is waiting &amp; safe.</p><p><a href="https://pickup.example/m/1">Open it</a></p>',
  });
  expect(tb.composeTabs.get(tab.id!)!.details.isPlainText).toBe(true);
  expect(await host.getBody('text')).toBe(
    'Your message is waiting & safe.\nOpen it <https://pickup.example/m/1>',
  );
});
