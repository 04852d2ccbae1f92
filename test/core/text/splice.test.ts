// Incremental tokenization (core/text/splice.ts): after any sequence of edits, the spliced result is exactly the text
// tokenized from scratch — ids, offsets, words — and only the stretch around an edit is tokenized again.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import v8 from 'node:v8';
import vm from 'node:vm';
import { loadTokenizer, type TextTokenizer, type TokenizeOptions } from '../../../src/core/text/tokenizer';
import { remembering, sharedEnds, spliceOf } from '../../../src/core/text/splice';
import { planWindows, replanWindows } from '../../../src/core/text/windows';
import { testTokenizers } from './fixtures';

const read = (f: string) => readFileSync(path.resolve(f), 'utf8');
const ENGLISH = () => read('README.md').slice(0, 3000);
const CHINESE = () => [read('samples/walkthrough.zh-cn.md'), read('package.nls.zh-cn.json').slice(0, 1500)].join('\n\n');
const ODD = '👨‍👩‍👧 ΟΣ σοσ İstanbul ﬁne c\u0327a cafe\u0301 \u0301x a\u200Bb \uFEFFbom x\u00A0y\tTab\r\n[MASK] 한국어 𠀀中 ';
const INSERTS = [
  ' ',
  '\n',
  '\n\n',
  'a',
  'bank',
  'Σ',
  '\u0301',
  '\uFEFF',
  '中',
  '文。',
  '😀',
  '.',
  '[MASK]',
  '[MA',
  'SK]',
  '한',
  ODD.slice(0, 9),
];

let tokenizers: Array<[string, TextTokenizer]> = [];
before(async () => {
  tokenizers = await testTokenizers();
  for (const m of ['models/bert-lens-mini', 'models/bert-lens-zh']) tokenizers.push([m, await loadTokenizer(path.resolve(m))]);
});

/** Counts the characters the wrapped tokenizer is asked to tokenize. */
function counted(tk: TextTokenizer): TextTokenizer & { chars: number } {
  const c = {
    ...tk,
    chars: 0,
    tokenizeSpliceable(text: string, o?: TokenizeOptions) {
      c.chars += text.length;
      return tk.tokenizeSpliceable(text, o);
    },
  };
  return c;
}

const edit = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), del: fc.nat(6), ins: fc.constantFrom('', ...INSERTS) });
type Edit = { at: number; del: number; ins: string };
const apply = (text: string, e: Edit) => {
  const i = Math.floor(e.at * text.length);
  return text.slice(0, i) + e.ins + text.slice(i + e.del);
};

describe('incremental tokenization', () => {
  it('sharedEnds: common prefix, and common suffix not overlapping it', () => {
    assert.deepEqual(sharedEnds('abcXdef', 'abcdef'), [3, 3]);
    assert.deepEqual(sharedEnds('aaa', 'aaaa'), [3, 0]);
    assert.deepEqual(sharedEnds('', 'x'), [0, 0]);
    const long = 'ab'.repeat(3000);
    assert.deepEqual(sharedEnds(long, `${long.slice(0, 2500)}x${long.slice(2501)}`), [2500, 3499], 'across compared blocks');
    assert.deepEqual(sharedEnds(long, long.slice(1)), [0, 5999]);
  });

  it('random edits on English, Chinese and odd text give the from-scratch tokens (fast-check)', () => {
    for (const [name, tk] of tokenizers) {
      for (const [label, base, opts] of [
        ['english', ENGLISH(), {}],
        ['chinese', CHINESE(), { specials: ['[MASK]'] }],
        ['odd, small chunks', ODD.repeat(3), { specials: ['[MASK]'], chunkChars: 40 }],
      ] as Array<[string, string, TokenizeOptions]>) {
        fc.assert(
          fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
            const inc = remembering(tk);
            let text = base;
            inc.tokenize(text, opts);
            for (const e of edits) {
              text = apply(text, e);
              assert.deepEqual(inc.tokenize(text, opts), tk.tokenize(text, opts), `${name} ${label}: ${JSON.stringify(e)}`);
            }
          }),
          { numRuns: 12, seed: 13 },
        );
      }
    }
  });

  it('window plans redone from the spliced-from plan equal plans from scratch, and keep the untouched windows', () => {
    let kept = 0;
    let planned = 0;
    for (const [name, tk] of tokenizers.slice(-2)) {
      const base = name.endsWith('zh') ? CHINESE() : ENGLISH();
      for (const maxTokens of [12, 30, 126]) {
        fc.assert(
          fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
            const inc = remembering(tk);
            let text = base;
            let tok = inc.tokenize(text);
            let plan = planWindows(tok, { maxTokens });
            for (const e of edits) {
              text = apply(text, e);
              tok = inc.tokenize(text);
              const sp = spliceOf(tok);
              const fresh = planWindows(tok, { maxTokens });
              if (!sp) {
                plan = fresh;
                continue;
              }
              const r = replanWindows(tok, { maxTokens }, plan, sp.edit);
              assert.deepEqual(r.spans, fresh, `${name} ${maxTokens}: ${JSON.stringify(e)}`);
              r.from.forEach((j, i) => {
                if (j < 0) return (planned += 1);
                kept++;
                const [a, b] = [plan[j], r.spans[i]];
                const ids = (t: typeof tok, x: typeof a) => Array.from(t.tokens.ids.subarray(x.tokenStart, x.tokenEnd));
                assert.deepEqual(ids(tok, b), ids(sp.from, a), 'a kept window holds the same tokens');
              });
              plan = r.spans;
            }
          }),
          { numRuns: 15, seed: 21 },
        );
      }
    }
    assert.ok(kept > 5 * planned, `windows kept ${kept}, planned anew ${planned}`);
  });

  it('a window is planned anew when the word just past its end changes (it may fit now)', () => {
    const tk = tokenizers.at(-2)![1];
    const text = Array.from({ length: 60 }, (_, i) => (i % 3 ? 'a' : 'unbelievably')).join(' ');
    const tok = tk.tokenize(text);
    const plan = planWindows(tok, { maxTokens: 12 });
    let changed = 0;
    for (const w of plan.slice(0, -1)) {
      const [s0, s1] = [tok.words.starts[w.wordEnd], tok.words.ends[w.wordEnd]];
      const inc = remembering(tk);
      inc.tokenize(text);
      const next = inc.tokenize(`${text.slice(0, s0)}z${text.slice(s1)}`); // the first word past the window, shorter
      const sp = spliceOf(next)!;
      const fresh = planWindows(next, { maxTokens: 12 });
      assert.deepEqual(replanWindows(next, { maxTokens: 12 }, plan, sp.edit).spans, fresh);
      if (fresh[w.index].wordEnd !== w.wordEnd) changed++;
    }
    assert.ok(changed > 0, 'some window grew over the shortened word');
  });

  it('an edited result does not keep the versions before it alive', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const inc = remembering(tokenizers.at(-2)![1]);
    let text = ENGLISH();
    const first = new WeakRef(inc.tokenize(text));
    let last = inc.tokenize(text);
    for (let i = 0; i < 12; i++) {
      text = `${text.slice(0, 100 + i)}x${text.slice(101 + i)}`;
      last = inc.tokenize(text);
    }
    assert.ok(spliceOf(last), 'the last one was spliced');
    await new Promise((r) => setImmediate(r)); // WeakRefs made in this turn hold until it ends
    gc();
    assert.equal(first.deref(), undefined, 'the first version was collected');
  });

  it('a 1-character edit re-tokenizes a few hundred characters, not the document', () => {
    const tk = counted(tokenizers.at(-2)![1]);
    const inc = remembering(tk);
    const text = ENGLISH().repeat(4);
    inc.tokenize(text);
    tk.chars = 0;
    const at = text.indexOf(' bank', text.length / 2);
    const next = `${text.slice(0, at)} banks${text.slice(at + 5)}`;
    assert.deepEqual(inc.tokenize(next), tk.tokenize(next));
    assert.ok(tk.chars - next.length < 400, `re-tokenized ${tk.chars - next.length} characters`);
    tk.chars = 0;
    inc.tokenize(text); // the previous version is still remembered
    assert.equal(tk.chars, 0);
  });

  it('keeps at most `keep` results, and does not splice across different specials', () => {
    const tk = counted(tokenizers[0][1]);
    const inc = remembering(tk, 2);
    const text = ENGLISH();
    for (const t of [text, `${text}!`, `${text}!!`]) inc.tokenize(t);
    tk.chars = 0;
    inc.tokenize(text); // evicted: an edit of `${text}!` (spliced), so only a little is tokenized
    assert.ok(tk.chars < 400);
    tk.chars = 0;
    inc.tokenize(`${text}x`, { specials: ['[MASK]'] });
    assert.equal(tk.chars, text.length + 1, 'other specials: tokenized whole');
  });
});
