/**
 * Address-book mailing lists in a real Thunderbird (Debian's package, under Xvfb, over Marionette), sending through
 * the test bed's Postfix: the add-on reads the lists the way Thunderbird expands them when it sends. A list shown
 * with an internal-looking address (its description) whose members include a domain that accepts no mail is
 * stopped; a list whose members all have good TLS leaves tagged, and Thunderbird's own expansion delivers it to
 * the observer among them.
 */
import { waitForMail } from '../escrow/maildir';
import type { Testbed } from '../helpers/testbed';
import { clickSend, compose, startScene, type Scene } from './drive-thunderbird';
import type { RealThunderbird } from './real-thunderbird';

const IBAN = 'Please pay to IBAN DE89 3704 0044 0532 0130 00.';

jest.setTimeout(150_000);

let scene: Scene | undefined;
let bed: Testbed;
let tb: RealThunderbird;

beforeAll(async () => {
  scene = await startScene({ name: 'thunderbird-lists' });
  ({ bed, tb } = scene);
}, 90_000);

afterAll(() => scene?.stop());

/** A mailing list in the personal address book, created as the address book's own UI does. */
async function addList(name: string, description: string, members: Array<[string, string]>): Promise<void> {
  await tb.marionette.run(
    `const [name, description, members] = arguments;
     const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
     const book = MailServices.ab.getDirectory('jsaddrbook://abook.sqlite');
     const list = Cc['@mozilla.org/addressbook/directoryproperty;1'].createInstance(Ci.nsIAbDirectory);
     list.isMailList = true;
     list.dirName = name;
     list.description = description;
     const added = book.addMailList(list);
     for (const [displayName, email] of members) {
       const card = Cc['@mozilla.org/addressbook/cardproperty;1'].createInstance(Ci.nsIAbCard);
       card.displayName = displayName;
       card.primaryEmail = email;
       added.addCard(book.addCard(card));
     }`,
    [name, description, members],
  );
}

test('a list behind an internal-looking address with a member whose domain accepts no mail is stopped', async () => {
  const observer = `observer@${bed.mailDomain}`;
  await addList('Board', observer, [
    ['Observer', observer],
    ['Nobody', 'x@null-mx.sendguard.test'],
  ]);
  await compose(tb, { to: `Board <${observer}>`, subject: `Board ${Date.now()}`, body: 'Hello' });
  expect(await clickSend(tb)).toBe('cancelled');
});

test('a list whose members all have good TLS leaves tagged, and Thunderbird delivers it to its members', async () => {
  const token = `list-${Date.now()}`;
  await addList('Auditors', 'Auditors', [
    ['Observer', `observer@${bed.mailDomain}`],
    ['X', 'x@tls-valid.sendguard.test'],
  ]);
  await compose(tb, { to: 'Auditors <Auditors>', subject: `Audit ${token}`, body: IBAN });
  expect(await clickSend(tb)).toBe('sent');
  const raw = await waitForMail(bed.mailDir, (m) => m.includes(token), 15_000);
  expect(raw).toMatch(new RegExp(`^Subject: #secure# Audit ${token}$`, 'm'));
  expect(raw).toMatch(/^To: .*x@tls-valid\.sendguard\.test/m);
});
