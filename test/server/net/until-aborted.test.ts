import { untilAborted } from '../../../src/server/net/until-aborted';

const never = new Promise<string>(() => undefined);

test('the work answers when it settles first, resolved or rejected', async () => {
  const signal = new AbortController().signal;
  await expect(untilAborted(Promise.resolve('done'), signal, () => 'gave up')).resolves.toBe('done');
  await expect(untilAborted(Promise.reject(new Error('broke')), signal, () => 'gave up')).rejects.toThrow(
    'broke',
  );
});

test("at the abort the caller gets onAbort's value, or its throw, while the work is left running", async () => {
  const values = new AbortController();
  const answered = untilAborted(never, values.signal, () => 'gave up');
  values.abort();
  await expect(answered).resolves.toBe('gave up');
  const throws = new AbortController();
  const refused = untilAborted(never, throws.signal, () => {
    throw throws.signal.reason;
  });
  throws.abort(new Error('deadline'));
  await expect(refused).rejects.toThrow('deadline');
});

test('a signal aborted before the call answers at once', async () => {
  await expect(untilAborted(never, AbortSignal.abort(), () => 'gave up')).resolves.toBe('gave up');
});
