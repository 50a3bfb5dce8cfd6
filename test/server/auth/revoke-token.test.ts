/** Revoking a token is stamped by the clock it is given, the same way for the admin API and the CLI. */
import { issueApiToken, revokeToken } from '../../../src/server/auth';
import { openMemoryStore } from '../../../src/server/store/memory';
import { ManualClock } from '../../helpers/clock';

test('a token is revoked once, at the time the clock gives', async () => {
  const { tokens } = openMemoryStore();
  const clock = new ManualClock();
  const { record } = await issueApiToken(tokens, { name: 'laptop', role: 'sender' }, { clock });
  clock.advance(90_000);
  expect(await revokeToken(tokens, record.id, clock)).toBe(true);
  const [revoked] = await tokens.list();
  expect(revoked?.revokedAt).toBe(new Date(clock.now()).toISOString());
  expect(revoked?.revokedAt).not.toBe(revoked?.createdAt);
  clock.advance(1000);
  expect(await revokeToken(tokens, record.id, clock)).toBe(false);
  expect((await tokens.list())[0]?.revokedAt).toBe(revoked?.revokedAt);
});

test('an unknown ID revokes nothing', async () => {
  expect(await revokeToken(openMemoryStore().tokens, 'ffffffffffffffff', new ManualClock())).toBe(false);
});
