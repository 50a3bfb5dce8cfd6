import { SingleFlight } from '../../src/core/single-flight';

/** A piece of work the test settles by hand, counting how often it was started. */
function controlled() {
  const settle: { resolve: (value: string) => void; reject: (error: Error) => void }[] = [];
  const start = jest.fn(
    () => new Promise<string>((resolve, reject) => void settle.push({ resolve, reject })),
  );
  return { start, settle };
}

test('callers asking for the same key while it runs share one start and one answer', async () => {
  const flight = new SingleFlight<string>();
  const { start, settle } = controlled();
  const first = flight.run('a', start);
  const second = flight.run('a', start);
  expect(second).toBe(first);
  expect(start).toHaveBeenCalledTimes(1);
  settle[0]?.resolve('answer');
  await expect(Promise.all([first, second])).resolves.toEqual(['answer', 'answer']);
});

test('different keys run separately', async () => {
  const flight = new SingleFlight<string>();
  const { start, settle } = controlled();
  const a = flight.run('a', start);
  const b = flight.run('b', start);
  expect(start).toHaveBeenCalledTimes(2);
  settle[0]?.resolve('for a');
  settle[1]?.resolve('for b');
  await expect(Promise.all([a, b])).resolves.toEqual(['for a', 'for b']);
});

test('once settled, the next caller starts afresh — after a success and after a failure alike', async () => {
  const flight = new SingleFlight<string>();
  const { start, settle } = controlled();
  const failed = flight.run('a', start);
  settle[0]?.reject(new Error('resolver failed'));
  await expect(failed).rejects.toThrow('resolver failed');

  const retried = flight.run('a', start);
  expect(start).toHaveBeenCalledTimes(2);
  settle[1]?.resolve('answer');
  await expect(retried).resolves.toBe('answer');

  const again = flight.run('a', start);
  expect(start).toHaveBeenCalledTimes(3);
  settle[2]?.resolve('fresh');
  await expect(again).resolves.toBe('fresh');
});
