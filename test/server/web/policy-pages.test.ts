/** The privacy page names everything the service keeps about people, the send-check records and policy saves too. */
import { POLICY_PAGES, PRIVACY_PATH } from '../../../src/server/web/policy-pages';

const privacy = POLICY_PAGES[PRIVACY_PATH]!;

test('it tells of the record of every send check: what it holds, pseudonyms, how long it is kept', () => {
  expect(privacy).toContain('a record of every send check');
  expect(privacy).toMatch(/who sent it, each recipient, the protection each got/);
  expect(privacy).toMatch(/kept as pseudonyms[\s\S]*unless your organisation turns full addresses on/);
  expect(privacy).toMatch(/<code>decisions\.retentionDays<\/code>, 90 by default/);
});

test('it tells that each saved policy version is kept with who saved it', () => {
  expect(privacy).toMatch(
    /each version of the sending policy saved through the admin console, with who saved it/,
  );
});
