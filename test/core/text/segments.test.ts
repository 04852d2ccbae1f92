// Table-driven tests of what BERT Lens reads in code files: comment and string contents, mapped to exact offsets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analysisText, codeSegments, keepOnly, isAnalysed, paragraphAround } from '../../../src/core/text/segments';
import { KeptTexts, keptRanges, widen } from '../../../src/core/text/kept';

/** The texts of the segments found, in order. */
const texts = (src: string, lang: string) => codeSegments(src, lang).map((s) => src.slice(s.start, s.end));

const cases: Array<{ name: string; lang: string; src: string; want: string[] }> = [
  { name: 'C line comment', lang: 'typescript', src: 'let x = 1; // the bank of the river\n', want: [' the bank of the river'] },
  { name: 'C block comment', lang: 'c', src: 'int a; /* tired animal */ int b;', want: [' tired animal '] },
  { name: 'triple slash', lang: 'rust', src: '/// Returns the sum.\nfn f() {}', want: [' Returns the sum.'] },
  { name: 'prose string literal', lang: 'javascript', src: 'log("the river bank was wet", x)', want: ['the river bank was wet'] },
  { name: 'non-prose string skipped', lang: 'javascript', src: 'f("utf-8"); g(\'id\')', want: [] },
  {
    name: 'escaped quote inside string',
    lang: 'java',
    src: 's = "she said \\"hi there\\" to me";',
    want: ['she said \\"hi there\\" to me'],
  },
  {
    name: 'comment marker inside string is not a comment',
    lang: 'typescript',
    src: 'u = "http://example.com"; // real comment here',
    want: [' real comment here'],
  },
  {
    name: 'template literal over lines',
    lang: 'typescript',
    src: 'const t = `first line\nsecond line`;',
    want: ['first line\nsecond line'],
  },
  { name: 'python hash comment', lang: 'python', src: 'x = 1  # compute the interest\n', want: [' compute the interest'] },
  { name: 'python docstring', lang: 'python', src: 'def f():\n    """Return it."""\n', want: ['Return it.'] },
  { name: 'python hash inside string', lang: 'python', src: 's = "a # b is not a comment"\n', want: ['a # b is not a comment'] },
  { name: 'shell comment', lang: 'shellscript', src: 'echo hi # say hello to the user\n', want: [' say hello to the user'] },
  { name: 'yaml comment', lang: 'yaml', src: 'key: value # explains the key\n', want: [' explains the key'] },
  { name: 'SQL dash comment', lang: 'sql', src: "SELECT 1; -- pick one row\nSELECT 'two words';", want: [' pick one row', 'two words'] },
  { name: 'Lua block comment', lang: 'lua', src: 'x = 1 --[[ long comment here ]] y = 2', want: [' long comment here '] },
  { name: 'HTML comment', lang: 'html', src: '<p>x</p><!-- a note for editors -->', want: [' a note for editors '] },
  { name: 'CRLF line ending excluded', lang: 'go', src: 'a := 1 // the end\r\nb := 2', want: [' the end'] },
  { name: 'unterminated block comment runs to the end', lang: 'c', src: 'x; /* never closed', want: [' never closed'] },
  { name: 'CJK string is prose', lang: 'javascript', src: 'alert("银行在河边")', want: ['银行在河边'] },
];

for (const c of cases) {
  test(`segments: ${c.name}`, () => assert.deepEqual(texts(c.src, c.lang), c.want));
}

test('analysisText keeps length and offsets, blanks code, keeps newlines', () => {
  const src = 'int a; // bank of the river\nint b; /* tired\n * animal */\n';
  const { text } = analysisText(src, 'c');
  assert.equal(text.length, src.length);
  assert.equal(text.indexOf('bank'), src.indexOf('bank'));
  assert.equal(text.indexOf('animal'), src.indexOf('animal'));
  assert.ok(!text.includes('int'));
  assert.ok(!text.includes('*'), 'JSDoc stars are blanked');
  assert.deepEqual(
    [...text].map((c, i) => (c === '\n' ? i : -1)).filter((i) => i >= 0),
    [...src].map((c, i) => (c === '\n' ? i : -1)).filter((i) => i >= 0),
  );
});

test('prose languages are read whole', () => {
  for (const lang of ['plaintext', 'markdown']) {
    const src = '# Title\nSome `code` and text.';
    assert.deepEqual(analysisText(src, lang), { text: src, segments: null });
  }
});

test('keepOnly blanks outside ranges', () => {
  assert.equal(
    keepOnly('abc\ndef', [
      { start: 1, end: 2 },
      { start: 5, end: 99 },
    ]),
    ' b \n ef',
  );
});

// The per-character versions these replaced (slices instead: issue 13, no whole-document work per hover): the
// reference for random ranges and random code, including overlapping, reversed and out-of-text ranges.
function keepOnlyRef(text: string, keep: Array<{ start: number; end: number }>): string {
  const chars = text.replace(/[^\n]/g, ' ').split('');
  for (const r of keep) for (let i = Math.max(0, r.start); i < Math.min(text.length, r.end); i++) chars[i] = text[i]!;
  return chars.join('');
}
function stripStarsRef(text: string, segs: Array<{ start: number; end: number; kind: string }>): string {
  const chars = text.split('');
  for (const g of segs) {
    if (g.kind !== 'comment') continue;
    let lineStart = true;
    for (let i = g.start; i < g.end; i++) {
      const c = chars[i];
      if (c === '\n') lineStart = true;
      else if (lineStart && c === '*') chars[i] = ' ';
      else if (!/\s/.test(c)) lineStart = false;
    }
  }
  return chars.join('');
}

test('keepOnly and analysisText equal the per-character reference on random ranges and random code', () => {
  let seed = 11;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const pieces = ['/*', '*/', '*', ' ', '\n', '\r\n', '\t', 'word', '"a b"', "'x'", '//', ' * ', '**', '\u00a0', '😀', 'é', '银行'];
  for (let k = 0; k < 400; k++) {
    const src = Array.from({ length: rand(60) }, () => pieces[rand(pieces.length)]).join('');
    const keep = Array.from({ length: rand(5) }, () => ({ start: rand(src.length + 10) - 5, end: rand(src.length + 10) - 5 }));
    assert.equal(keepOnly(src, keep), keepOnlyRef(src, keep), JSON.stringify({ src, keep }));
    for (const lang of ['c', 'typescript', 'python']) {
      const segs = codeSegments(src, lang);
      const want = stripStarsRef(keepOnlyRef(src, segs), segs);
      assert.equal(analysisText(src, lang).text, want, JSON.stringify({ src, lang }));
    }
  }
});

test('keptRanges: the visible ranges and the cursor neighbourhood, only for long documents', () => {
  const text = 'x'.repeat(100);
  assert.equal(keptRanges(text.length, 1000, [], 0), undefined);
  const r = keptRanges(text.length, 50, [{ start: 0, end: 10 }], 80, 5, 1)!;
  assert.deepEqual(r, [
    { start: 0, end: 10 },
    { start: 75, end: 85 },
  ]);
  const t = new KeptTexts(text).get(r);
  assert.equal(t.length, 100);
  assert.equal(t.slice(0, 10), 'x'.repeat(10));
  assert.equal(t.slice(10, 75).trim(), '');
  assert.equal(t.slice(75, 85), 'x'.repeat(10));
  // Widened to multiples of 16: [0, 16) and [64, 96).
  assert.deepEqual(keptRanges(text.length, 50, [{ start: 0, end: 10 }], 80, 5, 16), [
    { start: 0, end: 16 },
    { start: 64, end: 96 },
  ]);
});

test('widen: ranges rounded outward, clamped, sorted and merged', () => {
  const rs = [
    { start: 70, end: 75 },
    { start: -5, end: 3 },
    { start: 20, end: 33 },
    { start: 95, end: 120 },
    { start: 50, end: 50 },
  ];
  assert.deepEqual(widen(rs, 100, 10), [
    { start: 0, end: 10 },
    { start: 20, end: 40 },
    { start: 70, end: 80 },
    { start: 90, end: 100 },
  ]);
  assert.deepEqual(
    widen(
      [
        { start: 5, end: 12 },
        { start: 18, end: 25 },
      ],
      100,
      10,
    ),
    [{ start: 0, end: 30 }],
  );
});

test('KeptTexts: keepOnly of the document, one string per ranges (the next hover in the view sends the same one)', () => {
  const text = 'Line one.\nLine two is longer.\n\nThird paragraph here.\n'.repeat(40);
  const kept = new KeptTexts(text);
  const a = [{ start: 30, end: 90 }];
  const b = [{ start: 500, end: 700 }];
  const first = kept.get(a);
  assert.equal(first, keepOnly(text, a));
  assert.equal(kept.get(b), keepOnly(text, b));
  assert.equal(kept.get(a), first);
  assert.equal(kept.builds, 2, 'the second request for the same ranges is answered from memory');
  assert.equal(kept.blank(), text.replace(/[^\n]/g, ' '));
  // Three are remembered: two more sets of ranges push `b` out (`a` was used since), and it is built again.
  kept.get([{ start: 1, end: 2 }]);
  kept.get([{ start: 3, end: 4 }]);
  assert.equal(kept.get(a), first);
  assert.equal(kept.builds, 4);
  assert.equal(kept.get(b), keepOnly(text, b));
  assert.equal(kept.builds, 5);
});

test('isAnalysed', () => {
  const { text } = analysisText('a = 1 # word', 'python');
  assert.equal(isAnalysed(text, 0), false);
  assert.equal(isAnalysed(text, text.indexOf('word')), true);
  assert.equal(isAnalysed(text, 999), false);
});

test('paragraphAround: the text between blank lines around an offset', () => {
  const t = 'First para line one.\nline two.\n\nSecond para.\n  \nThird.';
  const at = (s: string) => t.indexOf(s);
  const para = (s: string) => {
    const r = paragraphAround(t, at(s));
    return t.slice(r.start, r.end);
  };
  assert.equal(para('two'), 'First para line one.\nline two.');
  assert.equal(para('Second'), 'Second para.');
  assert.equal(para('Third'), 'Third.');
  assert.deepEqual(paragraphAround('', 0), { start: 0, end: 0 });
});
