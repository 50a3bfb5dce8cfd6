/** The recipients a "Send anyway" answer applies to, keyed as the compose window's reading hands them over. */
import { recipientsOf } from '../../src/thunderbird/details';
import { recipientsKey } from '../../src/thunderbird/prompt-override';
import type { ComposeDetails } from '../../src/thunderbird/messenger';

const keyOf = (details: ComposeDetails) => recipientsKey(recipientsOf(details));

test('the same recipients in any field, order or letter case are one key', () => {
  expect(keyOf({ to: ['Ann@Example.ORG', 'bob@example.org'] })).toBe(
    keyOf({ cc: ['bob@example.org'], bcc: ['ann@example.org'] }),
  );
  expect(keyOf({ to: ['Ann <ann@example.org>'] })).toBe('ann@example.org');
});

test('a U-label domain is keyed by its A-label, as the reading normalised it', () => {
  expect(keyOf({ to: ['ann@bücher.example'] })).toBe('ann@xn--bcher-kva.example');
});

test('an added recipient, or an entry that is not an address, changes the key', () => {
  expect(keyOf({ to: ['ann@example.org', 'cat@example.org'] })).not.toBe(keyOf({ to: ['ann@example.org'] }));
  expect(keyOf({ to: ['ann@example.org', 'not an address'] })).toBe('ann@example.org,not an address');
});
