/** A record for the admin's console that could not be kept is logged by its domain, never by an address. */
import { recordErrorFields } from '../../../src/server/serve';

const failure = new Error('database gone');

test("a changed key's record: its mailbox is logged as its domain only", () => {
  const fields = recordErrorFields(failure, 'bob@example.org');
  expect(fields).toEqual({ err: failure, domain: 'example.org' });
  expect(JSON.stringify(fields)).not.toContain('bob');
});

test("a verdict change's record: the domain as it is", () => {
  expect(recordErrorFields(failure, 'partner.example')).toEqual({ err: failure, domain: 'partner.example' });
});
