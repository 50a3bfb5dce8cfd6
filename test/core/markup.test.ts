import { escapeMarkup, textOfHtml } from '../../src/core/markup';

test('escapeMarkup: & < > and " become entities, in one pass; text that looks like an entity is text', () => {
  expect(escapeMarkup('a < b && c > "d" \'e\'')).toBe("a &lt; b &amp;&amp; c &gt; &quot;d&quot; 'e'");
  expect(escapeMarkup('&lt;')).toBe('&amp;lt;');
  expect(escapeMarkup('plain')).toBe('plain');
});

test('textOfHtml: a link whose text is its address appears once; numeric entities are read', () => {
  expect(textOfHtml('<a href="https://x.example/">https://x.example/</a><br>caf&#233; &#x2013;')).toBe(
    'https://x.example/\ncafé –',
  );
});

test('textOfHtml: blocks and <br> end lines, scripts and styles go with their content, unknown entities stay', () => {
  expect(
    textOfHtml(
      '<head><title>T</title></head><style>p{}</style><h1>Hi</h1><p>a &lt;b&gt; &quot;c&quot;<br/>d</p>' +
        '<script>x()</script><div>&bogus; &#1; &nbsp;e</div><p></p><p></p><p>f</p>',
    ),
  ).toBe('Hi\na <b> "c"\nd\n&bogus; &#1;  e\n\nf');
  expect(textOfHtml('<a href="https://p.example/m">Open <b>it</b></a>')).toBe(
    'Open it <https://p.example/m>',
  );
});
