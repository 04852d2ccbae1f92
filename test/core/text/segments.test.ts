// Table-driven tests of what BERT Lens reads in code files: comment and string contents, mapped to exact offsets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analysisText, codeSegments, keepOnly, isAnalysed, paragraphAround } from '../../../src/core/text/segments';
import { KeptTexts, keptRanges, widen } from '../../../src/core/text/kept';
import { seededInts } from '../../seeded';

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
  const rand = seededInts(11);
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
  const text = 'x'.repeat(5000); // no line end or place between words within an edge's reach: the edges stay
  assert.equal(keptRanges(text, 10_000, [], 0), undefined);
  const r = keptRanges(text, 50, [{ start: 0, end: 10 }], 3000, 5, 1)!;
  assert.deepEqual(r, [
    { start: 0, end: 10 },
    { start: 2995, end: 3005 },
  ]);
  const t = new KeptTexts(text).get(r);
  assert.equal(t.length, 5000);
  assert.equal(t.slice(0, 10), 'x'.repeat(10));
  assert.equal(t.slice(10, 2995).trim(), '');
  assert.equal(t.slice(2995, 3005), 'x'.repeat(10));
  // Widened to multiples of 16: [0, 16) and [2992, 3008).
  assert.deepEqual(keptRanges(text, 50, [{ start: 0, end: 10 }], 3000, 5, 16), [
    { start: 0, end: 16 },
    { start: 2992, end: 3008 },
  ]);
});

test("keptRanges: no word is cut in two; each edge is a line end, a place between words, or the text's end", () => {
  const rand = seededInts(23);
  const words = ['water', 'river', 'bank', 'deposit', 'salary,', '银行', '干哈呢', '😀', 'naïve', '(note)', '2024'];
  const line = (n: number) => Array.from({ length: n }, () => words[rand(words.length)]).join(rand(5) ? ' ' : '');
  for (let k = 0; k < 200; k++) {
    // Short and long lines (longer than an edge may move), and sometimes a run no edge can get out of.
    const lines = Array.from({ length: 5 + rand(60) }, () => (rand(8) ? line(1 + rand(30)) : rand(2) ? line(400) : 'x'.repeat(3000)));
    const text = lines.join('\n');
    const at = rand(text.length);
    const view = { start: rand(text.length), end: 0 };
    view.end = Math.min(text.length, view.start + rand(800));
    const ranges = keptRanges(text, 100, [view], at, 300, 256)!;
    const why = JSON.stringify({ k, at, view });
    const wide = widen([view, { start: at - 300, end: at + 300 }], text.length, 256);
    for (const w of wide)
      assert.ok(
        ranges.some((r) => r.start <= w.start && w.end <= r.end),
        `${why}: covers ${JSON.stringify(w)}`,
      );
    ranges.forEach((r, i) => assert.ok(r.start < r.end && (i === 0 || ranges[i - 1].end < r.start), why));
    const between = (x: number) => /[\s\p{P}\p{S}\u4e00-\u9fff]/u.test(text[x - 1]) || /[\s\p{P}\p{S}\u4e00-\u9fff]/u.test(text[x]);
    const inRun = (x: number) => text.slice(x - 1, x + 1) === 'xx'; // inside the run without a way out
    for (const { start, end } of ranges) {
      assert.ok(start === 0 || text[start - 1] === '\n' || between(start) || inRun(start), `${why}: start ${start}`);
      assert.ok(end === text.length || text[end] === '\n' || between(end) || inRun(end), `${why}: end ${end}`);
      assert.ok(!/[\ud800-\udbff]/.test(text[start - 1] ?? '') && !/[\ud800-\udbff]/.test(text[end - 1] ?? ''), `${why}: a pair split`);
    }
  }
  // The case a user saw: a range's quantum boundary inside "water" (of a long line) made a word "wat".
  const prose = 'We sat on the bank of the river and watched the water. '.repeat(200); // one line
  const cut = prose.indexOf('water', 2048 - 5);
  const r = keptRanges(prose, 1000, [{ start: cut - 500, end: cut + 2 }], 0, 10, 2048)!;
  const kept = new KeptTexts(prose).get(r);
  assert.ok(!/\bwat\b/.test(kept) && kept.includes('the water.'), JSON.stringify(r));
  // Edges with nowhere to go still keep each surrogate pair whole.
  assert.deepEqual(keptRanges('😀'.repeat(3000), 100, [{ start: 2001, end: 2003 }], 2001, 0, 1), [{ start: 2000, end: 2004 }]);
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
