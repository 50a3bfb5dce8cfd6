import { escapeMarkup } from '../../src/core/markup';

test('escapeMarkup: & < > and " escaped, & first so no entity is escaped twice; other text kept', () => {
  expect(escapeMarkup('a < b && c > "d" \'e\'')).toBe("a &lt; b &amp;&amp; c &gt; &quot;d&quot; 'e'");
  expect(escapeMarkup('&lt;')).toBe('&amp;lt;');
  expect(escapeMarkup('plain')).toBe('plain');
});
