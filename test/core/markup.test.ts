import { escapeMarkup } from '../../src/core/markup';

test('escapeMarkup: & < > and " become entities, in one pass; text that looks like an entity is text', () => {
  expect(escapeMarkup('a < b && c > "d" \'e\'')).toBe("a &lt; b &amp;&amp; c &gt; &quot;d&quot; 'e'");
  expect(escapeMarkup('&lt;')).toBe('&amp;lt;');
  expect(escapeMarkup('plain')).toBe('plain');
});
