import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, applyChanges, commonPrefix, commonSuffix, type Analysis, type Change } from '../../../src/core/text/analysis';
import { analysisText, scanCode, syntaxFor } from '../../../src/core/text/segments';
import { chooseLanguage, documentChoice, unitCounts } from '../../../src/core/auto';
import { seededInts } from '../../seeded';

const rand = seededInts(5);

// Delimiters of every syntax the scanner knows, line ends, letters of both scripts, astral characters.
const PIECES = [
  '/*',
  '*/',
  '*',
  ' ',
  '\n',
  '\r\n',
  '//',
  '#',
  '--',
  '--[[',
  ']]',
  '{-',
  '-}',
  '<!--',
  '-->',
  '"',
  "'",
  '`',
  '"""',
  "'''",
  '\\',
  'word',
  'two words',
  '银行',
  '干哈呢',
  'é',
  '😀',
  '𠀀',
  '1',
  ';',
  '=',
  'x',
  '"a b"',
  ' * ',
  '\u0301',
];
const LANGS = ['typescript', 'python', 'lua', 'haskell', 'html', 'sql', 'css', 'shellscript', 'markdown', 'plaintext'];

const piece = () => PIECES[rand(PIECES.length)];
const randomText = (n: number) => Array.from({ length: n }, piece).join('');

/** A random edit: insert, delete or replace a few pieces' worth somewhere (sometimes at the ends). */
function edit(s: string): string {
  const at = rand(4) === 0 ? (rand(2) ? 0 : s.length) : rand(s.length + 1);
  const cut = rand(3) === 0 ? 0 : rand(12);
  return s.slice(0, at) + randomText(rand(3)) + s.slice(Math.min(s.length, at + cut));
}

function assertFresh(a: Analysis, src: string, lang: string, why: string): void {
  const fresh = analysisText(src, lang);
  assert.equal(a.text, fresh.text, why);
  assert.equal(a.code, fresh.segments !== null, why);
  assert.deepEqual([a.units, a.han], unitCounts(fresh.text), why);
  if (a.code) {
    const scan = scanCode(src, syntaxFor(lang), 0);
    assert.deepEqual(Array.from(a.opens), scan.opens, why);
    assert.deepEqual(Array.from(a.resumes), scan.resumes, why);
  }
}

test('analyse after random edits equals analysisText and the unit counts of the whole new version', () => {
  for (const lang of LANGS) {
    for (let doc = 0; doc < 12; doc++) {
      let src = randomText(40 + rand(200));
      let a = analyse(src, lang);
      assertFresh(a, src, lang, `${lang} fresh`);
      for (let k = 0; k < 60; k++) {
        const next = edit(src);
        const b = analyse(next, lang, a);
        assertFresh(b, next, lang, JSON.stringify({ lang, before: src, after: next }));
        [src, a] = [next, b];
      }
    }
  }
});

test('an edit in a large code file re-scans its neighbourhood, not the file', () => {
  const unit = '/** A comment, with words. */\nconst s = "two words"; // note\nlet x = 1 * 2;\n';
  const src = unit.repeat(20_000); // ~1.6 MB
  const a = analyse(src, 'typescript');
  const at = src.length >> 1;
  const next = src.slice(0, at) + 'q' + src.slice(at);
  const b = analyse(next, 'typescript', a);
  assertFresh(b, next, 'typescript', 'one-letter edit');
  assert.ok(b.scanned < 200, `${b.scanned} characters scanned again`);
  assert.equal(a.scanned, src.length);
  // Opening a template string swallows the rest of the file: the scan runs to the end, and is still right.
  const opened = next.slice(0, at) + '`' + next.slice(at);
  const c = analyse(opened, 'typescript', b);
  assertFresh(c, opened, 'typescript', 'an opened template string');
  assert.ok(c.scanned > opened.length / 2.1 && c.opens.length < b.opens.length / 1.9, `${c.scanned} scanned`);
});

test('the document language follows edits that make it Chinese, without a pass over the document', () => {
  let src = 'An English line.\n'.repeat(50);
  let a = analyse(src, 'markdown');
  assert.deepEqual(documentChoice(a.units, a.han), chooseLanguage(src));
  src = src + '这是一个很长的中文段落，'.repeat(40);
  a = analyse(src, 'markdown', a);
  const choice = documentChoice(a.units, a.han);
  assert.deepEqual(choice, chooseLanguage(src));
  assert.equal(choice.language, 'zh');
  assert.deepEqual(documentChoice(0, 0), chooseLanguage(''));
});

/** A random change to `s`, as an editor reports one (an offset into the text as it is at that moment). */
function change(s: string): Change {
  const offset = rand(4) === 0 ? (rand(2) ? 0 : s.length) : rand(s.length + 1);
  const length = rand(3) === 0 ? 0 : Math.min(s.length - offset, rand(12));
  return { offset, length, text: randomText(rand(3)) };
}

test('applyChanges gives the edited text and a stretch outside which nothing changed; analyse from it is exact', () => {
  for (const lang of ['typescript', 'python', 'markdown']) {
    for (let doc = 0; doc < 10; doc++) {
      let src = randomText(40 + rand(200));
      let a = analyse(src, lang);
      for (let k = 0; k < 40; k++) {
        const changes: Change[] = [];
        let want = src;
        for (let c = rand(4) + (k === 0 ? 0 : 1); c > 0; c--) {
          const ch = change(want);
          changes.push(ch);
          want = want.slice(0, ch.offset) + ch.text + want.slice(ch.offset + ch.length);
        }
        const why = JSON.stringify({ src, changes });
        const got = applyChanges(src, changes)!;
        assert.equal(got.source, want, why);
        const { start, oldEnd, newEnd } = got.edit;
        assert.ok(
          0 <= start && start <= oldEnd && oldEnd <= src.length && newEnd - start === want.length - src.length + oldEnd - start,
          why,
        );
        assert.equal(src.slice(0, start), want.slice(0, start), why);
        assert.equal(src.slice(oldEnd), want.slice(newEnd), why);
        const b = analyse(got.source, lang, a, got.edit);
        assertFresh(b, want, lang, why);
        [src, a] = [want, b];
      }
    }
  }
});

test('applyChanges: keystrokes in a large text touch their neighbourhood; a change outside the text, or changes spread over it, give up', () => {
  const big = 'word '.repeat(200_000); // 1 MB
  const at = big.length >> 1;
  const typed: Change[] = [...'hello'].map((c, i) => ({ offset: at + i, length: 0, text: c }));
  typed.push({ offset: at + 4, length: 1, text: '' }, { offset: at - 3, length: 2, text: 'XY' }); // a backspace, a fix before
  const got = applyChanges(big, typed)!;
  assert.equal(got.source, big.slice(0, at - 3) + 'XY' + big.slice(at - 1, at) + 'hell' + big.slice(at));
  assert.deepEqual(got.edit, { start: at - 3, oldEnd: at, newEnd: at + 4 });
  assert.equal(applyChanges(big, [{ offset: big.length, length: 1, text: '' }]), undefined);
  assert.equal(applyChanges(big, [{ offset: -1, length: 0, text: 'x' }]), undefined);
  // A replace-all from the end to the start: each change widens the stretch to the whole text.
  const all = Array.from({ length: 100 }, (_, i) => ({ offset: big.length - 5 - i * 10_000, length: 4, text: 'WORD' }));
  assert.equal(applyChanges(big, all), undefined);
  assert.deepEqual(applyChanges('abc', []), { source: 'abc', edit: { start: 3, oldEnd: 3, newEnd: 3 } });
});

test('commonPrefix and commonSuffix', () => {
  assert.equal(commonPrefix('abcdef', 'abcxef'), 3);
  assert.equal(commonPrefix('', 'abc'), 0);
  assert.equal(commonPrefix('abc', 'abc'), 3);
  assert.equal(commonSuffix('abcdef', 'abcxef', 10), 2);
  assert.equal(commonSuffix('aaaa', 'aa', 10), 2);
  assert.equal(commonSuffix('aaaa', 'aaaaa', 1), 1);
  for (let k = 0; k < 300; k++) {
    const a = randomText(rand(8));
    const b = rand(2) ? edit(a) : randomText(rand(8));
    let p = 0;
    while (p < Math.min(a.length, b.length) && a[p] === b[p]) p++;
    assert.equal(commonPrefix(a, b), p);
    let s = 0;
    while (s < Math.min(a.length, b.length) && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
    assert.equal(commonSuffix(a, b, 99), s);
  }
});
