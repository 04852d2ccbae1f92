// The real panel bundle in headless Chromium under the real CSP: renders host messages, drops malformed ones,
// follows sequence numbers, posts reveal/export messages, and never trips the Content Security Policy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { hasChromium, installSynth, openPanel, type PanelPage } from './browser';

const skip = hasChromium() ? false : 'Debian chromium (/usr/bin/chromium) is not installed: apt-get install chromium';
let p: PanelPage;

before(async () => {
  if (skip) return;
  p = await openPanel({ width: 300, fresh: true });
  await installSynth(p.page);
  await p.page.evaluate(() => {
    const s = (window as any).synth;
    s.send({ type: 'init', language: 'en', model: { id: 'm', layers: 4, heads: 3 } });
    s.send({ type: 'focus', focus: { uri: 'file:///a.txt', version: 1, word: { text: 'bank', start: 4, end: 8 }, fileName: 'a.txt' } });
  });
});
after(async () => {
  await p?.close();
});

const lastRequest = () => p.page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'request').at(-1));
const send = (m: unknown) => p.page.evaluate((m) => (window as any).synth.send(m), m as any);

test('a focus message makes the visible tab request its data', { skip }, async () => {
  const r = await lastRequest();
  assert.deepEqual(r.request, { section: 'head', layer: 1, rollout: false });
});

test('head view renders words × heads lines; chips hide exactly one head; stale answers are dropped', { skip }, async () => {
  const { seq } = await lastRequest();
  await p.page.evaluate((seq) => {
    const s = (window as any).synth;
    s.send({ type: 'head', seq, data: s.head(20, 3, 2, 1) });
  }, seq);
  const count = () => p.page.locator('.head-view g.head:not([display="none"]) line').count();
  assert.equal(await count(), 60);
  await p.page.locator('.chip').nth(1).click();
  assert.equal(await count(), 40);
  await p.page.locator('.chip').nth(1).click();
  // An answer with an older sequence number must not replace the current picture.
  await p.page.evaluate((seq) => {
    const s = (window as any).synth;
    s.send({ type: 'head', seq: seq - 1, data: s.head(7, 3, 2, 1) });
  }, seq);
  assert.equal(await p.page.locator('.head-view text.l').count(), 20);
});

test('malformed and unknown messages are dropped and logged, not rendered', { skip }, async () => {
  const { seq } = await lastRequest();
  await send({ type: 'head', seq, data: { words: [], focus: 5 } });
  await send({ type: 'rm -rf', seq });
  await send('not even an object');
  const logs = await p.page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'log').map((m: any) => m.message));
  assert.ok(
    logs.some((l: string) => /bad head data/.test(l)),
    logs.join('\n'),
  );
  assert.ok(logs.some((l: string) => /unknown message type rm -rf/.test(l)));
  assert.ok(logs.some((l: string) => /not an object/.test(l)));
  assert.equal(await p.page.locator('.head-view text.l').count(), 20, 'the last good picture stays');
});

test('clicking a word posts reveal with its document offsets', { skip }, async () => {
  await p.page.locator('.head-view text.r[data-i="3"]').click();
  const m = await p.page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'reveal').at(-1));
  const w = await p.page.evaluate(() => (window as any).synth.words(20)[3]);
  assert.deepEqual(m, { type: 'reveal', start: w.start, end: w.end });
});

test('a theme change redraws the head view with the new resolved colours', { skip }, async () => {
  const bg = () => p.page.locator('.head-view svg > rect').first().getAttribute('fill');
  assert.notEqual(await bg(), '#123456');
  await p.page.evaluate(() => {
    document.documentElement.style.setProperty('--vscode-sideBar-background', '#123456');
    document.body.classList.add('vscode-high-contrast');
  });
  await p.page.waitForFunction(() => document.querySelector('.head-view svg > rect')?.getAttribute('fill') === '#123456', null, {
    timeout: 5000,
  });
  assert.equal(await bg(), '#123456');
});

test('SVG and PNG exports: standalone SVG markup and real PNG bytes (rasterised under the CSP)', { skip }, async () => {
  await p.page.locator('.exports button', { hasText: 'SVG' }).click();
  await p.page.locator('.exports button', { hasText: 'PNG' }).click();
  await p.page.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'export' && m.format === 'png'), null, {
    timeout: 10_000,
  });
  const ex = await p.page.evaluate(() =>
    (window as any).__posted
      .filter((m: any) => m.type === 'export')
      .map((m: any) => ({
        format: m.format,
        name: m.name,
        head: m.format === 'svg' ? m.data.slice(0, 60) : Array.from(m.data.slice(0, 8)),
        isBytes: m.data instanceof Uint8Array,
        len: m.data.length,
      })),
  );
  const svg = ex.find((e: any) => e.format === 'svg');
  const png = ex.find((e: any) => e.format === 'png');
  assert.match(svg.head, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal(svg.name, 'bert-lens-head.svg');
  assert.ok(png.isBytes && png.len > 1000, `png of ${png.len} bytes`);
  assert.deepEqual(png.head, [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  assert.deepEqual(await p.cspViolations(), []);
});

test('zh-CN: the host language switches the UI strings', { skip }, async () => {
  await send({ type: 'init', language: 'zh-cn', model: { id: 'm', layers: 4, heads: 3 } });
  assert.equal(await p.page.locator('.tabs [data-section="qa"]').innerText(), '问答');
  await send({ type: 'init', language: 'en', model: { id: 'm', layers: 4, heads: 3 } });
  assert.equal(await p.page.locator('.tabs [data-section="qa"]').innerText(), 'QA');
});

test('keyboard: arrow keys move between tabs', { skip }, async () => {
  await p.page.locator('.tabs [data-section="head"]').focus();
  await p.page.keyboard.press('ArrowRight');
  assert.equal(await p.page.locator('.tabs [aria-selected="true"]').getAttribute('data-section'), 'model');
  assert.equal(await p.page.evaluate(() => document.activeElement?.getAttribute('data-section')), 'model');
  assert.deepEqual((await lastRequest()).request, { section: 'model' });
  assert.deepEqual(await p.cspViolations(), []);
});

test(
  'explainer: a neuron strip per row, one cell per dimension, blue where q×k adds to q·k and red where it takes away',
  { skip },
  async () => {
    await p.page.locator('.tabs [data-section="explain"]').click();
    const { seq } = await lastRequest();
    const words = ['the', 'bank', 'rose'].map((text, i) => ({ text, start: i * 5, end: i * 5 + text.length }));
    await send({
      type: 'explain',
      seq,
      data: {
        layer: 1,
        head: 0,
        headDim: 2,
        from: words[1],
        words,
        query: [1, -1],
        keys: [
          [2, 1],
          [1, 1],
          [-1, 3],
        ],
        values: [
          [1, 0],
          [0, 1],
          [1, 1],
        ],
        scores: [1, 0, -4],
        scaled: [0.71, 0, -2.83],
        weights: [0.6, 0.3, 0.1],
        output: [0.7, 0.4],
        heads: 3,
        hidden: 6,
      },
    });
    await p.page.locator('.explain-view .neuron-strip').first().waitFor({ timeout: 10_000 });
    assert.equal(await p.page.locator('.explain-view .neuron-strip').count(), 3);
    // Row order is by weight: "the" first. q×k for "the" = [2, -1]: blue then red, the larger one opaque.
    const px = await p.page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('.explain-view .neuron-strip')!;
      return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, 1).data);
    });
    // (colours read back through premultiplied alpha: compare channels, not exact values)
    assert.ok(px[2] > px[0] + 100, `cell 0 blue: ${px.slice(0, 4)}`);
    assert.ok(px[4] > px[6] + 100, `cell 1 red: ${px.slice(4, 8)}`);
    assert.ok(px[3] > px[7], 'alpha follows |q×k|');
    // The whole table fits a default-width sidebar (300 px): the softmax and model columns are not scrolled away.
    const fit = await p.page.evaluate(() => {
      const w = document.querySelector<HTMLElement>('.explain-view .table-wrap')!;
      return { scroll: w.scrollWidth, client: w.clientWidth, body: document.body.clientWidth };
    });
    assert.ok(fit.scroll <= fit.client, `the table is ${fit.scroll} px wide in a ${fit.client} px panel`);
    assert.deepEqual(await p.cspViolations(), []);
    await p.page.locator('.tabs [data-section="model"]').click(); // back where the next test expects to be
  },
);

test('token inspector: the logit lens as a layers × top-k table (English and zh-CN), or the reason it is missing', { skip }, async () => {
  await p.page.locator('.tabs [data-section="inspect"]').click();
  const { seq } = await lastRequest();
  const word = { text: 'bank', start: 4, end: 8 };
  const base = {
    word,
    staticSource: null,
    inVocabulary: false,
    staticNeighbours: [],
    substitutes: [{ word: 'shore', score: 0.3 }],
    documentNeighbours: [],
    occurrences: [],
    occurrencesTotal: 0,
  };
  // Five predictions a layer, some long: the table must still fit a default-width sidebar.
  const lens = [0, 1, 2].map((layer) => ({
    layer,
    predictions: [`w${layer}a`, `w${layer}b`, 'another', 'something', 'embeddings'].map((word, i) => ({ word, score: 0.2 / (i + 1) })),
  }));
  await send({ type: 'inspect', seq, data: { ...base, lens } });
  const rows = p.page.locator('.inspect-view table.lens-table tbody tr');
  await rows.first().waitFor({ timeout: 10_000 });
  assert.equal(await rows.count(), 3);
  assert.equal(await rows.nth(0).locator('th').innerText(), 'emb.');
  assert.equal(await rows.nth(0).locator('th').getAttribute('title'), 'Layer 0: the input embeddings, before layer 1');
  assert.deepEqual(await rows.nth(2).locator('td .word').allInnerTexts(), ['w2a', 'w2b', 'another', 'something', 'embeddings']);
  assert.equal(await p.page.locator('.inspect-view table.lens-table thead th').count(), 6);
  const fit = await p.page.evaluate(() => {
    const w = document.querySelector<HTMLElement>('.inspect-view .lens .table-wrap')!;
    return { scroll: w.scrollWidth, client: w.clientWidth };
  });
  assert.ok(fit.scroll <= fit.client, `the table is ${fit.scroll} px wide in a ${fit.client} px panel`);
  await send({ type: 'init', language: 'zh-cn', model: { id: 'm', layers: 4, heads: 3 } });
  const again = (await lastRequest()).seq;
  await send({ type: 'inspect', seq: again, data: { ...base, lens } });
  await p.page.locator('.inspect-view table.lens-table').waitFor({ timeout: 10_000 });
  assert.match(await p.page.locator('.inspect-view .lens h3').innerText(), /逐层预测/);
  assert.equal(await p.page.locator('.inspect-view table.lens-table tbody tr th').first().innerText(), '嵌入');
  await send({ type: 'init', language: 'en', model: { id: 'm', layers: 4, heads: 3 } });
  const third = (await lastRequest()).seq;
  await send({ type: 'inspect', seq: third, data: { ...base, lensError: 'm has no masked-LM head' } });
  await p.page.locator('.inspect-view .lens p').waitFor({ timeout: 10_000 });
  assert.match(await p.page.locator('.inspect-view .lens p').innerText(), /unavailable: m has no masked-LM head/);
  assert.equal(await p.page.locator('.inspect-view table.lens-table').count(), 0);
  assert.deepEqual(await p.cspViolations(), []);
  await p.page.locator('.tabs [data-section="model"]').click(); // back where the next test expects to be
});

test('token inspector: a capped occurrence list says how many there are in all', { skip }, async () => {
  await p.page.locator('.tabs [data-section="inspect"]').click();
  const { seq } = await lastRequest();
  const occurrences = [10, 20].map((start) => ({ start, end: start + 3, similarity: 0.5, snippet: '…the…' }));
  const data = {
    word: { text: 'the', start: 0, end: 3 },
    staticSource: null,
    inVocabulary: false,
    staticNeighbours: [],
    substitutes: [],
    documentNeighbours: [],
    occurrences,
  };
  await send({ type: 'inspect', seq, data: { ...data, occurrencesTotal: 2 } });
  await p.page.locator('.inspect-view ul.ranked button.row').first().waitFor({ timeout: 10_000 });
  assert.equal(await p.page.locator('.inspect-view', { hasText: 'other occurrences.' }).count(), 0, 'no note when all are listed');
  await send({ type: 'init', language: 'en', model: { id: 'm', layers: 4, heads: 3 } }); // a fresh request to answer
  const again = (await lastRequest()).seq;
  await send({ type: 'inspect', seq: again, data: { ...data, occurrencesTotal: 4512 } });
  await p.page.locator('.inspect-view', { hasText: 'The 2 nearest in the text of 4512 other occurrences.' }).waitFor({ timeout: 10_000 });
  await p.page.locator('.tabs [data-section="model"]').click();
});

test(
  'ablation: the importance map as layers × heads cells; a click switches a head off and asks again without the map (en, zh-CN)',
  { skip },
  async () => {
    await p.page.locator('.tabs [data-section="ablate"]').click();
    const first = await lastRequest();
    assert.deepEqual(first.request, { section: 'ablate', task: 'mask', question: '', off: [], importance: true });
    const importance = Array.from({ length: 12 }, (_, i) => (i === 4 ? 0.3 : i === 7 ? -0.1 : 0.01));
    const data = {
      task: 'mask',
      target: 'shore',
      start: 4,
      end: 8,
      layers: 4,
      heads: 3,
      base: 0.4,
      off: [],
      score: 0.4,
      predictions: [
        { word: 'shore', score: 0.4 },
        { word: 'river', score: 0.2 },
      ],
      importance,
    };
    await send({ type: 'ablate', seq: first.seq, data });
    const cells = p.page.locator('.ablate-view button.cell');
    await cells.first().waitFor({ timeout: 10_000 });
    assert.equal(await cells.count(), 12);
    assert.equal(await cells.nth(4).innerText(), '0.30');
    assert.match((await cells.nth(4).getAttribute('aria-label')) ?? '', /Layer 2, head 1: the target’s probability drops by 0\.300/);
    const colour = (i: number) => cells.nth(i).evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.match(await colour(4), /rgba\(0, 120, 212, 0\.85/, 'the most important head is the darkest blue');
    assert.match(await colour(7), /rgba\(212, 60, 40/, 'a head the target does better without is red');
    assert.match(await p.page.locator('.ablate-summary').innerText(), /Target “shore”: probability 0\.400 with every head on\./);
    await cells.nth(4).click();
    const second = await lastRequest();
    assert.deepEqual(second.request, { section: 'ablate', task: 'mask', question: '', off: [[2, 1]], importance: false });
    await send({
      type: 'ablate',
      seq: second.seq,
      data: { ...data, off: [4], score: 0.1, predictions: [{ word: 'river', score: 0.3 }], importance: null },
    });
    await p.page.waitForFunction(() => document.querySelector('.ablate-view button.cell.off') !== null, null, { timeout: 10_000 });
    assert.equal(await cells.nth(4).getAttribute('aria-pressed'), 'true');
    assert.equal(await cells.nth(0).innerText(), '0.01', 'the map is kept while heads are toggled');
    assert.match(await p.page.locator('.ablate-summary').innerText(), /0\.100 with heads 2\.1 switched off/);
    assert.deepEqual(await p.page.locator('.ablate-view ul.ranked .word').allInnerTexts(), ['river']);
    await p.page.locator('.ablate-view button.task', { hasText: 'Answer to the QA question' }).click();
    assert.match(await p.page.locator('.ablate-summary').innerText(), /Ask a question in the QA tab first/);
    await send({ type: 'init', language: 'zh-cn', model: { id: 'm', layers: 4, heads: 3 } });
    const zh = await lastRequest();
    assert.equal(zh.request.task, 'mask');
    await send({ type: 'ablate', seq: zh.seq, data });
    await cells.first().waitFor({ timeout: 10_000 });
    assert.match(await p.page.locator('.ablate-summary').innerText(), /目标“shore”：所有头打开时概率为 0\.400。/);
    await send({ type: 'ablate', seq: zh.seq, data: { ...data, task: 'qa', questionCut: { kept: 64, of: 90 } } });
    assert.equal(
      await p.page.locator('.ablate-view .question-cut').innerText(),
      '问题长 90 个词元，模型只读了前 64 个。请把问题问得短一些。',
    );
    await send({ type: 'ablate', seq: zh.seq, data });
    assert.equal(await p.page.locator('.ablate-view .question-cut').isVisible(), false, 'gone with a whole question');
    await send({ type: 'ablate', seq: zh.seq, data: { ...data, task: 'qa', predictions: [] } });
    assert.deepEqual(await p.page.locator('.ablate-view ul.ranked .word').allInnerTexts(), []);
    assert.match(await p.page.locator('.ablate-view ul.ranked').innerText(), /没有答案/);
    assert.equal(await p.page.locator('.tabs [data-section="ablate"]').innerText(), '消融');
    await send({ type: 'init', language: 'en', model: { id: 'm', layers: 4, heads: 3 } });
    assert.deepEqual(await p.cspViolations(), []);
    await p.page.locator('.tabs [data-section="model"]').click(); // back where the next test expects to be
  },
);

test(
  'occlusion: the Words mode of the Ablation tab; chips coloured by effect, a ranked list, TSV/JSON exports, reveal on click (en, zh-CN)',
  { skip },
  async () => {
    await p.page.locator('.tabs [data-section="ablate"]').click();
    await p.page.locator('.ablate-view button.mode[data-mode="occlude"]').click();
    assert.equal(await p.page.locator('.tabs [aria-selected="true"]').getAttribute('data-section'), 'ablate', 'still the Ablation tab');
    const first = await lastRequest();
    assert.deepEqual(first.request, { section: 'occlude', task: 'mask', question: '' });
    const words = [
      { word: 'She', start: 0, end: 3, score: 0.39, delta: 0.01 },
      { word: 'drank', start: 4, end: 9, score: 0.1, delta: 0.3 },
      { word: 'cold', start: 14, end: 18, score: 0.55, delta: -0.15 },
      { word: 'milk', start: 30, end: 34, score: 0.2, delta: 0.2 },
    ];
    const data = { task: 'mask', target: 'tea', start: 19, end: 24, base: 0.4, model: 'm', read: { start: 0, end: 34 }, words };
    await send({ type: 'occlude', seq: first.seq, data });
    const chips = p.page.locator('.occlude-view .occlude-words button.chip');
    await chips.first().waitFor({ timeout: 10_000 });
    assert.deepEqual(await chips.allInnerTexts(), ['She', 'drank', 'cold', 'tea', 'milk'], 'the target in its place, text order');
    const colour = (w: string) =>
      p.page.locator('.occlude-view button.chip', { hasText: w }).evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.match(await colour('drank'), /rgba\(0, 120, 212, 0\.85/, 'the strongest support is the darkest blue');
    assert.match(await colour('cold'), /rgba\(212, 60, 40, 0\.42/, 'against: red, half as strong');
    assert.match(
      (await chips.nth(2).getAttribute('aria-label')) ?? '',
      /“cold”: masked, the target’s probability is 0\.550 \(−\.15, works against\)/,
    );
    assert.match(await p.page.locator('.occlude-summary').innerText(), /Target “tea”: probability 0\.400 with every word present \(m\)/);
    await send({ type: 'occlude', seq: first.seq, data: { ...data, task: 'qa', questionCut: { kept: 64, of: 90 } } });
    const cut = p.page.locator('.occlude-view .question-cut');
    assert.equal(await cut.innerText(), 'The question is 90 tokens long; the model read only its first 64. Ask a shorter question.');
    await send({ type: 'occlude', seq: first.seq, data });
    assert.equal(await cut.isVisible(), false, 'gone with a whole question');
    assert.deepEqual(await p.page.locator('.occlude-view ul.ranked .word').allInnerTexts(), ['drank', 'milk', 'cold', 'She']);
    assert.deepEqual(await p.page.locator('.occlude-view ul.ranked .num').allInnerTexts(), ['+.30', '+.20', '−.15', '+.01']);
    await chips.nth(1).click();
    const reveal = await p.page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'reveal').at(-1));
    assert.deepEqual(reveal, { type: 'reveal', start: 4, end: 9 });
    for (const [label, format] of [
      ['TSV', 'tsv'],
      ['JSON', 'json'],
    ]) {
      await p.page.locator('.occlude-view .exports button', { hasText: label }).click();
      const ex = await p.page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'exportData').at(-1));
      assert.deepEqual(ex, { type: 'exportData', format, section: 'occlude' });
    }
    await p.page.locator('.occlude-view button.task', { hasText: 'Answer to the QA question' }).click();
    assert.match(await p.page.locator('.occlude-summary').innerText(), /Ask a question in the QA tab first/);
    await p.page.locator('.occlude-view button.task', { hasText: 'Masked word at the cursor' }).click();
    await send({ type: 'init', language: 'zh-cn', model: { id: 'm', layers: 4, heads: 3 } });
    const zh = await lastRequest();
    assert.equal(zh.request.section, 'occlude', 'the Words mode survives a rebuild');
    await send({ type: 'occlude', seq: zh.seq, data });
    await chips.first().waitFor({ timeout: 10_000 });
    assert.match(await p.page.locator('.occlude-summary').innerText(), /目标“tea”：所有词都在时概率为 0\.400/);
    assert.equal(await p.page.locator('.occlude-view button.mode[aria-pressed="true"]').innerText(), '词（遮挡）');
    await send({ type: 'init', language: 'en', model: { id: 'm', layers: 4, heads: 3 } });
    await p.page.locator('.occlude-view button.mode[data-mode="ablate"]').click();
    assert.equal((await lastRequest()).request.section, 'ablate');
    assert.deepEqual(await p.cspViolations(), []);
    await p.page.locator('.tabs [data-section="model"]').click(); // back where the next test expects to be
  },
);

test(
  'compare: pick a second model, paired bars per word (splits underlined), depth chart and select, both predictions, SVG export (en, zh-CN)',
  { skip },
  async () => {
    await p.page.locator('.tabs [data-section="compare"]').click();
    const first = await lastRequest();
    assert.deepEqual(first.request, { section: 'compare', against: '' });
    await send({ type: 'compare', seq: first.seq, data: { choices: ['m', 'bert-lens-zh'], against: '', error: null, result: null } });
    const picker = p.page.locator('.compare-view select.compare-against');
    await p.page.waitForFunction(() => document.querySelectorAll('.compare-view select.compare-against option').length === 3, null, {
      timeout: 10_000,
    });
    assert.deepEqual(await picker.locator('option').allInnerTexts(), ['Choose a model…', 'm (in use)', 'bert-lens-zh']);
    assert.match(await p.page.locator('.compare-summary').innerText(), /Pick a second model/);
    await picker.selectOption('bert-lens-zh');
    const req = await lastRequest();
    assert.deepEqual(req.request, { section: 'compare', against: 'bert-lens-zh' });
    const span = (text: string, start: number) => ({ text, start, end: start + text.length });
    const result = {
      words: [
        { ...span('the', 0), a: 'the', b: 'the', same: true },
        { ...span('bank', 4), a: 'bank', b: 'ban ##k', same: false },
        { ...span('猫', 9), a: '[UNK]', b: '猫', same: false },
      ],
      focus: 1,
      masked: 'word',
      a: {
        model: 'm',
        layers: 2,
        heads: 3,
        tokens: 3,
        unknown: 1,
        attention: new Float32Array([0.2, 0.5, 0.3, 0.1, 0.8, 0.1]),
        rollout: new Float32Array([0.3, 0.4, 0.3]),
        predictions: [
          { word: 'shore', score: 0.4 },
          { word: 'river', score: 0.2 },
        ],
        note: null,
      },
      b: {
        model: 'bert-lens-zh',
        layers: 4,
        heads: 4,
        tokens: 4,
        unknown: 0,
        attention: new Float32Array(12).fill(1 / 3),
        rollout: new Float32Array([0.6, 0.2, 0.2]),
        predictions: [{ word: 'shore', score: 0.1 }],
        note: null,
      },
      depth: [
        { a: 1, b: 1, divergence: 0.02 },
        { a: 1, b: 2, divergence: 0.05 },
        { a: 2, b: 3, divergence: 0.2 },
        { a: 2, b: 4, divergence: 0.25 },
      ],
      rollout: 0.1,
      agree: true,
    };
    await send({ type: 'compare', seq: req.seq, data: { choices: ['m', 'bert-lens-zh'], against: 'bert-lens-zh', error: null, result } });
    const rows = p.page.locator('.compare-view .compare-row');
    await rows.first().waitFor({ timeout: 10_000 });
    assert.deepEqual(await rows.locator('.word').allInnerTexts(), ['the', 'bank', '猫']);
    assert.deepEqual(await p.page.locator('.compare-view .compare-row.split .word').allInnerTexts(), ['bank', '猫']);
    assert.equal(await p.page.locator('.compare-view .compare-row.focus .word').innerText(), 'bank');
    assert.deepEqual(
      await rows.nth(1).locator('.num').allInnerTexts(),
      ['0.800', '0.333'],
      'the deepest depth first: A layer 2, B layer 4',
    );
    assert.match(
      (await rows.nth(1).getAttribute('aria-label')) ?? '',
      /“bank”: A 0\.800, B 0\.333\. Pieces in A: bank; in B: ban ##k \(split differently\)/,
    );
    assert.match(
      await p.page.locator('.compare-summary').innerText(),
      /A = m \(2 layers × 3 heads\), B = bert-lens-zh \(4 layers × 4 heads\)\. .*: 0\.250 here/,
    );
    assert.equal(await p.page.locator('.compare-chart svg rect').count(), 5, 'four depths and the rollout');
    assert.equal(await p.page.locator('.compare-view select.compare-depth').inputValue(), '3');
    await p.page.locator('.compare-view select.compare-depth').selectOption('rollout');
    assert.deepEqual(await rows.nth(0).locator('.num').allInnerTexts(), ['0.300', '0.600']);
    await p.page.locator('.compare-chart svg rect').first().click();
    assert.equal(await p.page.locator('.compare-view select.compare-depth').inputValue(), '0');
    assert.deepEqual(await rows.nth(1).locator('.num').allInnerTexts(), ['0.500', '0.333']);
    assert.match(
      await p.page.locator('.compare-tokens').innerText(),
      /Pieces read: A 3 \(1 \[UNK\]\), B 4 \(0 \[UNK\]\)\. Words split differently \(underlined\): 2 of 3\./,
    );
    assert.deepEqual(await p.page.locator('.compare-view .compare-col .word').allInnerTexts(), ['shore', 'river', 'shore']);
    assert.match(await p.page.locator('.compare-agree').innerText(), /both say “shore”/);
    await rows.nth(2).click();
    assert.deepEqual(await p.page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'reveal').at(-1)), {
      type: 'reveal',
      start: 9,
      end: 10,
    });
    await p.page.locator('.compare-view .exports button', { hasText: 'SVG' }).click();
    const ex = await p.page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'export' && m.format === 'svg').at(-1));
    assert.equal(ex.name, 'bert-lens-compare.svg');
    assert.match(ex.data, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(ex.data, /“bank”: m vs bert-lens-zh/);
    await send({ type: 'init', language: 'zh-cn', model: { id: 'm', layers: 4, heads: 3 } });
    const zh = await lastRequest();
    assert.deepEqual(zh.request, { section: 'compare', against: 'bert-lens-zh' }, 'the picked model survives a rebuild');
    await send({ type: 'compare', seq: zh.seq, data: { choices: ['m', 'bert-lens-zh'], against: 'bert-lens-zh', error: null, result } });
    await rows.first().waitFor({ timeout: 10_000 });
    assert.equal(await p.page.locator('.tabs [data-section="compare"]').innerText(), '对比');
    assert.match(await p.page.locator('.compare-tokens').innerText(), /3 个词中有 2 个切分不同/);
    assert.match(await p.page.locator('.compare-agree').innerText(), /首选词一致：都是“shore”/);
    const overflow = await p.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the Chinese view fits the 300 px panel (overflow ${overflow} px)`);
    await send({ type: 'compare', seq: zh.seq, data: { choices: ['m'], against: 'nope', error: '无法加载', result: null } });
    assert.equal(await p.page.locator('.compare-summary.error').innerText(), '无法加载');
    assert.equal(await rows.count(), 0);
    await send({ type: 'init', language: 'en', model: { id: 'm', layers: 4, heads: 3 } });
    assert.deepEqual(await p.cspViolations(), []);
    await p.page.locator('.tabs [data-section="model"]').click(); // back where the next test expects to be
  },
);

test(
  'sentences: the Compare tab’s second mode — A and a picked B, the layer chart and table, NSP verdict, selections, SVG export (en, zh-CN)',
  { skip },
  async () => {
    await p.page.locator('.tabs [data-section="compare"]').click();
    await p.page.locator('.compare-view button.mode[data-mode="sentences"]').click();
    const first = await lastRequest();
    assert.deepEqual(first.request, { section: 'sentences', b: null });
    assert.equal(await p.page.locator('.tabs [aria-selected="true"]').getAttribute('data-section'), 'compare', 'no tab of its own');
    const span = (text: string, start: number) => ({ text, start, end: start + text.length });
    const data = {
      model: 'm',
      pick: 'cursor',
      a: span('The cat sat on the mat.', 0),
      b: span('It purred.', 24),
      choices: [span('It purred.', 24), span('Then it slept.', 35)],
      layers: [
        { layer: 0, cosine: 0.41, shuffled: 0.41 },
        { layer: 1, cosine: 0.62, shuffled: 0.55 },
        { layer: 2, cosine: 0.7, shuffled: 0.66 },
      ],
      tokens: { a: 7, b: 4, truncated: false },
      isNext: 0.93,
    };
    await send({ type: 'sentences', seq: first.seq, data });
    const summary = p.page.locator('.sentences-summary');
    await p.page.waitForFunction(() => !!document.querySelector('.sentences-chart svg'), null, { timeout: 10_000 });
    assert.equal(
      await summary.innerText(),
      'Layer 2: cosine 0.700; with B’s words shuffled 0.660. Word order counts most at layer 1 (+0.070 over the shuffled words).',
    );
    assert.equal(await p.page.locator('.sentences-chart svg polyline').count(), 2);
    assert.equal(await p.page.locator('.sentences-chart svg circle').count(), 6);
    assert.deepEqual(await p.page.locator('.sentences-table td').allInnerTexts(), [
      'emb.',
      '0.410',
      '0.410',
      '1',
      '0.620',
      '0.550',
      '2',
      '0.700',
      '0.660',
    ]);
    assert.match(await p.page.locator('.sentences-nsp').innerText(), /B follows A \(NSP\)\s+0\.930[\s\S]*says B follows A/);
    assert.equal(await p.page.locator('.sentences-tokens').innerText(), 'Pieces m read: A 7, B 4.');
    assert.equal(await p.page.locator('.focus-line').innerText(), 'The sentence at the cursor in a.txt', 'not the cursor word');
    const picker = p.page.locator('.sentences-view select.sentences-b');
    assert.deepEqual(await picker.locator('option').allInnerTexts(), ['↓ It purred.', '↓ Then it slept.']);
    assert.equal(await picker.inputValue(), '24');
    await picker.selectOption('35');
    const req = await lastRequest();
    assert.deepEqual(req.request, { section: 'sentences', b: 35 });
    await p.page.locator('.sentences-view button.sentence').first().click();
    assert.deepEqual(await p.page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'reveal').at(-1)), {
      type: 'reveal',
      start: 0,
      end: 23,
    });
    // The editor's two selections: B is fixed (no picker); a model without an NSP head says so; word order never counts.
    const flat = data.layers.map((x) => ({ ...x, shuffled: x.cosine }));
    await send({
      type: 'sentences',
      seq: req.seq,
      data: {
        ...data,
        pick: 'selections',
        choices: [],
        b: span('Then it slept.', 35),
        layers: flat,
        isNext: null,
        tokens: { a: 7, b: 4, truncated: true },
      },
    });
    await p.page.locator('.sentences-view button.sentence').nth(1).waitFor({ timeout: 10_000 });
    assert.equal(await picker.count(), 0);
    assert.equal(await p.page.locator('.focus-line').innerText(), 'Your two selections in a.txt');
    assert.match(await p.page.locator('.sentences-view').innerText(), /A and B are your first two selections/);
    assert.match(await summary.innerText(), /changes no layer’s cosine/);
    assert.match(await p.page.locator('.sentences-nsp').innerText(), /m has no next-sentence head/);
    assert.match(
      await p.page.locator('.sentences-tokens').innerText(),
      /A long sentence, or the pair as the next-sentence head reads it, was cut to fit the model\./,
    );
    await p.page.locator('.sentences-view .exports button', { hasText: 'SVG' }).click();
    const ex = await p.page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'export' && m.format === 'svg').at(-1));
    assert.equal(ex.name, 'bert-lens-sentences.svg');
    assert.match(ex.data, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(ex.data, /A: The cat sat on the mat\. · B: Then it slept\./);
    await send({ type: 'init', language: 'zh-cn', model: { id: 'm', layers: 4, heads: 3 } });
    const zh = await lastRequest();
    assert.deepEqual(zh.request, { section: 'sentences', b: 35 }, 'the mode and the picked B survive a rebuild');
    await send({ type: 'sentences', seq: zh.seq, data });
    await p.page.waitForFunction(() => !!document.querySelector('.sentences-chart svg'), null, { timeout: 10_000 });
    assert.match(await summary.innerText(), /词序在第 1 层最重要/);
    assert.equal(await p.page.locator('.sentences-view button.mode[aria-pressed="true"]').innerText(), '两个句子');
    const overflow = await p.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the Chinese view fits the 300 px panel (overflow ${overflow} px)`);
    await send({ type: 'init', language: 'en', model: { id: 'm', layers: 4, heads: 3 } });
    await p.page.locator('.sentences-view button.mode[data-mode="compare"]').click();
    assert.equal((await lastRequest()).request.section, 'compare');
    assert.deepEqual(await p.cspViolations(), []);
    await p.page.locator('.tabs [data-section="model"]').click(); // back where the next test expects to be
  },
);

test(
  'same word: the Compare tab’s middle mode — A and a picked occurrence, contextual vs static per layer, neighbours, export (en, zh-CN)',
  { skip },
  async () => {
    await p.page.locator('.tabs [data-section="compare"]').click();
    await p.page.locator('.compare-view button.mode[data-mode="occurrences"]').click();
    const first = await lastRequest();
    assert.deepEqual(first.request, { section: 'occurrences', b: null });
    assert.deepEqual(await p.page.locator('.compare-view, .occurrences-view').locator('button.mode').allInnerTexts(), [
      'Two models',
      'Same word',
      'Two sentences',
    ]);
    const placed = (start: number, context: string) => ({ text: 'bank', start, end: start + 4, context });
    const data = {
      model: 'm',
      a: placed(4, 'the bank of the river'),
      b: placed(40, '…went to the bank to deposit…'),
      choices: [placed(40, '…went to the bank to deposit…'), placed(90, '…a third bank here.')],
      total: 3,
      layers: [
        { layer: 0, similarity: 0.97 },
        { layer: 1, similarity: 0.8 },
        { layer: 2, similarity: 0.55 },
        { layer: 3, similarity: 0.6 },
      ],
      neighbours: { a: [{ word: 'river', score: 0.6, start: 16, end: 21 }], b: [{ word: 'deposit', score: 0.5, start: 52, end: 59 }] },
    };
    await send({ type: 'occurrences', seq: first.seq, data });
    await p.page.waitForFunction(() => !!document.querySelector('.occurrences-chart svg'), null, { timeout: 10_000 });
    assert.equal(
      await p.page.locator('.occurrences-summary').innerText(),
      'Cosine 0.970 at the embeddings, 0.600 at layer 3. Lowest at layer 2 (0.550). A static vector would give 1 everywhere.',
    );
    assert.equal(await p.page.locator('.focus-line').innerText(), '“bank” in a.txt (3 occurrences)');
    assert.equal(await p.page.locator('.occurrences-chart svg polyline').count(), 2, 'BERT and the flat word2vec line');
    assert.deepEqual(await p.page.locator('.occurrences-view table td').allInnerTexts(), [
      'emb.',
      '0.970',
      '1',
      '0.800',
      '2',
      '0.550',
      '3',
      '0.600',
    ]);
    assert.deepEqual(await p.page.locator('.occurrences-neighbours .word').allInnerTexts(), ['river', 'deposit']);
    const picker = p.page.locator('.occurrences-view select.occurrences-b');
    assert.deepEqual(await picker.locator('option').allInnerTexts(), ['↓ …went to the bank to deposit…', '↓ …a third bank here.']);
    await picker.selectOption('90');
    const req = await lastRequest();
    assert.deepEqual(req.request, { section: 'occurrences', b: 90 });
    await p.page.locator('.occurrences-view button.sentence').click();
    assert.deepEqual(await p.page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'reveal').at(-1)), {
      type: 'reveal',
      start: 4,
      end: 8,
    });
    await p.page.locator('.occurrences-view .exports button', { hasText: 'SVG' }).click();
    const ex = await p.page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'export' && m.format === 'svg').at(-1));
    assert.equal(ex.name, 'bert-lens-occurrences.svg');
    assert.match(ex.data, /“bank”: the bank of the river vs …went to the bank to deposit…/);
    await send({ type: 'init', language: 'zh-cn', model: { id: 'm', layers: 4, heads: 3 } });
    const zh = await lastRequest();
    assert.deepEqual(zh.request, { section: 'occurrences', b: 90 }, 'the mode and the picked occurrence survive a rebuild');
    await send({ type: 'occurrences', seq: zh.seq, data });
    await p.page.waitForFunction(() => !!document.querySelector('.occurrences-chart svg'), null, { timeout: 10_000 });
    assert.match(await p.page.locator('.occurrences-summary').innerText(), /嵌入层余弦 0\.970，第 3 层 0\.600。第 2 层最低/);
    assert.equal(await p.page.locator('.focus-line').innerText(), 'a.txt 中的“bank”（出现 3 次）');
    const overflow = await p.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the Chinese view fits the 300 px panel (overflow ${overflow} px)`);
    await send({ type: 'init', language: 'en', model: { id: 'm', layers: 4, heads: 3 } });
    await p.page.locator('.occurrences-view button.mode[data-mode="compare"]').click();
    assert.deepEqual(await p.cspViolations(), []);
    await p.page.locator('.tabs [data-section="model"]').click(); // back where the next test expects to be
  },
);

test('sense map: each point listed with its snippet, its own occurrence marked there; a bad `at` is dropped', { skip }, async () => {
  await p.page.locator('.tabs [data-section="sense"]').click();
  const { seq } = await lastRequest();
  const sense = (at: number) =>
    p.page.evaluate(
      ({ seq, at }) =>
        (window as any).synth.send({
          type: 'sense',
          seq,
          data: {
            word: 'bank',
            layer: 4,
            items: [
              { text: 'bank', start: 14, end: 18, context: 'the bank of the river bank', at: 4 },
              { text: 'bank', start: 36, end: 40, context: 'the bank of the river bank', at },
            ],
            points: new Float32Array([0, 0, 1, 1]),
            clusters: new Uint8Array([0, 1]),
            k: 2,
            silhouette: null,
            explained: [0.6, 0.4],
          },
        }),
      { seq, at },
    );
  await sense(22);
  const marks = p.page.locator('.sense-view .snippet mark');
  await marks.first().waitFor({ timeout: 10_000 });
  assert.deepEqual(await marks.allInnerTexts(), ['bank', 'bank']);
  assert.deepEqual(
    await p.page.locator('.sense-view .snippet').evaluateAll((els) => els.map((e) => e.innerHTML.replace(/<\/?b>/g, ''))),
    ['bank — the <mark>bank</mark> of the river bank', 'bank — the bank of the river <mark>bank</mark>'],
    'the second point is the second bank of the same snippet',
  );
  await sense(25);
  const logs = await p.page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'log').map((m: any) => m.message));
  assert.ok(logs.at(-1).includes('bad sense data'), logs.at(-1));
  await p.page.locator('.tabs [data-section="model"]').click(); // back where the next test expects to be
});

test('the line above a view names what it reads: the cursor word, a typed word, all words, the whole document', { skip }, async () => {
  const line = p.page.locator('.focus-line');
  await p.page.locator('.tabs [data-section="sense"]').click();
  assert.equal(await line.innerText(), '“bank” in a.txt');
  const input = p.page.locator('.sense-view input[type="text"]');
  await input.fill('river');
  await input.press('Enter');
  assert.equal(await line.innerText(), '“river” (typed) in a.txt');
  assert.deepEqual((await lastRequest()).request, { section: 'sense', word: 'river', layer: 0 });
  await p.page.locator('#sense-all').check();
  assert.equal(await line.innerText(), 'All words in a.txt');
  await p.page.locator('#sense-all').uncheck();
  await input.fill('');
  await input.press('Enter');
  assert.equal(await line.innerText(), '“bank” in a.txt');
  await p.page.locator('.tabs [data-section="qa"]').click();
  assert.equal(await line.innerText(), 'The whole of a.txt');
  await send({ type: 'init', language: 'zh-cn', model: { id: 'm', layers: 4, heads: 3 } });
  assert.equal(await line.innerText(), '整篇 a.txt');
  await send({ type: 'init', language: 'en', model: { id: 'm', layers: 4, heads: 3 } });
  await p.page.locator('.tabs [data-section="model"]').click(); // back where the next test expects to be
});

test('model view: one canvas per head; its SVG export embeds the canvases and rasterises to PNG', { skip }, async () => {
  const { seq } = await lastRequest();
  await p.page.evaluate((seq) => {
    const s = (window as any).synth;
    (window as any).__posted.length = 0;
    s.send({ type: 'model', seq, data: s.grid(20, 4, 3, 20) });
  }, seq);
  assert.equal(await p.page.locator('.model-view canvas.thumb').count(), 12);
  await p.page.locator('.model-view .exports button', { hasText: 'Tensors (.npy)' }).click();
  assert.deepEqual(await p.page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'exportData').at(-1)), {
    type: 'exportData',
    format: 'npy',
    section: 'model',
  });
  // Each head's census label sits under its thumbnail (the synthetic grid cycles self, [CLS], local, broad).
  assert.deepEqual((await p.page.locator('.model-view .census').allInnerTexts()).slice(0, 4), ['self', '[CLS]', 'local', 'broad']);
  assert.match((await p.page.locator('.model-view canvas.thumb').first().getAttribute('aria-label')) ?? '', /Layer 1, head 1: self/);
  await p.page.locator('.model-view .exports button', { hasText: 'SVG' }).click();
  await p.page.locator('.model-view .exports button', { hasText: 'PNG' }).click();
  await p.page.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'export' && m.format === 'png'), null, {
    timeout: 10_000,
  });
  const ex = await p.page.evaluate(() =>
    (window as any).__posted
      .filter((m: any) => m.type === 'export')
      .map((m: any) => ({
        format: m.format,
        images: m.format === 'svg' ? (m.data.match(/<image /g) ?? []).length : 0,
        head: m.format === 'png' ? Array.from(m.data.slice(0, 4)) : [],
      })),
  );
  assert.equal(ex.find((e: any) => e.format === 'svg').images, 12);
  assert.deepEqual(ex.find((e: any) => e.format === 'png').head, [137, 80, 78, 71]);
  // Clicking a thumbnail opens the head view with only that head visible.
  await p.page.locator('.model-view canvas.thumb').nth(4).click(); // layer 2, head 2
  assert.equal(await p.page.locator('.tabs [aria-selected="true"]').getAttribute('data-section'), 'head');
  assert.deepEqual((await lastRequest()).request, { section: 'head', layer: 2, rollout: false });
  assert.deepEqual(await p.cspViolations(), []);
});

test('QA: a question the model read cut is said above its answers', { skip }, async () => {
  await p.page.locator('.tabs [data-section="qa"]').click();
  const q = p.page.locator('.qa-view input.question');
  await q.fill('Where is the bank?');
  await q.press('Enter');
  const { seq, request } = await lastRequest();
  assert.deepEqual(request, { section: 'qa', question: 'Where is the bank?' });
  const answers = [{ text: 'river', start: 9, end: 14, score: 0.9, before: 'the ', after: '' }];
  await send({ type: 'qa', seq, data: { question: 'Where is the bank?', answers, questionCut: { kept: 64, of: 90 } } });
  assert.equal(
    await p.page.locator('.qa-view .question-cut').innerText(),
    'The question is 90 tokens long; the model read only its first 64. Ask a shorter question.',
  );
  assert.equal(await p.page.locator('.qa-view .answer-text').innerText(), 'river');
  assert.equal(await p.page.locator('.qa-view .no-answer').count(), 0, 'no no-answer line when the host sends none');
  await q.press('Enter');
  await send({ type: 'qa', seq: (await lastRequest()).seq, data: { question: 'Where is the bank?', answers, noAnswer: 0.93 } });
  assert.equal(await p.page.locator('.qa-view .question-cut').count(), 0, 'gone when the next answer was read whole');
  assert.match(await p.page.locator('.qa-view li:last-child.no-answer').innerText(), /^No-answer score 0\.930: /, 'after the answers');
  assert.equal(await p.page.locator('.qa-view .qa-positions').count(), 0, 'no start/end table when the host sends none');
  // Start and end: [CLS], the rows with a gap marker before skipped tokens, the answer's rows marked, the rest.
  const positions = {
    window: 1,
    windows: 3,
    cls: { pStart: 0.1, pEnd: 0.05 },
    rest: { pStart: 0.2, pEnd: 0.25 },
    rows: [
      { text: 'the', pStart: 0.05, pEnd: 0.05, answer: false, gap: true },
      { text: 'river', pStart: 0.6, pEnd: 0.5, answer: true, gap: false },
      { text: 'bank', pStart: 0.05, pEnd: 0.15, answer: false, gap: true },
    ],
  };
  await q.press('Enter');
  await send({ type: 'qa', seq: (await lastRequest()).seq, data: { question: 'Where is the bank?', answers, noAnswer: 0.93, positions } });
  const rows = p.page.locator('.qa-view .positions-table tbody tr');
  assert.deepEqual(
    await rows.evaluateAll((trs) => trs.map((tr) => [tr.className, (tr as HTMLElement).innerText.replace(/\s+/g, ' ').trim()])),
    [
      ['cls', '[CLS] (no answer) 0.100 0.050'],
      ['gap muted', '…'],
      ['', 'the 0.050 0.050'],
      ['in-answer', 'river 0.600 0.500'],
      ['gap muted', '…'],
      ['', 'bank 0.050 0.150'],
      ['rest muted', 'everything else 0.200 0.250'],
    ],
  );
  assert.match(await p.page.locator('.qa-view .qa-positions p').innerText(), /softmax over the window \(2 of 3, question included\)/);
  const fits = await p.page.locator('.qa-view .positions-table').evaluate((t) => t.scrollWidth <= t.parentElement!.clientWidth + 1);
  assert.ok(fits, 'the table fits the panel');
  assert.deepEqual(await p.cspViolations(), []);
});

test(
  'positions: the Model tab’s second mode — two cosine maps, the pooled note, the summary, the distance chart, zh-CN',
  { skip },
  async () => {
    await p.page.locator('.tabs [data-section="model"]').click();
    await p.page.locator('.model-view button.mode[data-mode="positions"]').click();
    const first = await lastRequest();
    assert.deepEqual(first.request, { section: 'positions' });
    assert.equal(await p.page.locator('.tabs [aria-selected="true"]').getAttribute('data-section'), 'model', 'no tab of its own');
    // The first 130 of 4,096 positions pooled to 2 × 2 cells (65 × 65 positions each); a cosine of 1 on the diagonal,
    // −0.5 off it.
    const n = 130;
    const map = new Float32Array([1, -0.5, -0.5, 1]);
    const line = (a: number) => Array.from({ length: n }, (_, k) => (k === 0 ? 1 : a - k / 1000));
    const data = {
      model: 'm',
      positions: 4096,
      compared: n,
      dims: 8,
      size: 2,
      learned: map,
      sinusoid: map,
      byDistance: { learned: line(0.9), sinusoid: line(0.95) },
    };
    await send({ type: 'positions', seq: first.seq, data });
    await p.page.waitForFunction(() => !!document.querySelector('.positions-chart svg'), null, { timeout: 10_000 });
    assert.deepEqual(await p.page.locator('.positions-view figcaption').allInnerTexts(), [
      'learned (m, 4096 × 8)',
      'sin/cos (fixed, same size)',
    ]);
    // The top-left pixel is the diverging scale's full blue (cosine 1); the top-right one its red (−0.5 at alpha 0.5).
    const px = await p.page
      .locator('.positions-map')
      .first()
      .evaluate((c) => {
        const ctx = (c as HTMLCanvasElement).getContext('2d')!;
        return [Array.from(ctx.getImageData(0, 0, 1, 1).data), Array.from(ctx.getImageData(1, 0, 1, 1).data)];
      });
    assert.deepEqual(px[0], [0, 120, 212, 255]);
    assert.ok(px[1][0] > px[1][2], `red-ish: ${px[1]}`);
    assert.equal(
      await p.page.locator('.positions-view p.muted.small').nth(1).innerText(),
      'Each cell is the mean over 65 × 65 positions. The first 130 of 4096 positions are compared.',
    );
    assert.equal(
      await p.page.locator('.positions-summary').innerText(),
      'Positions next to each other: cosine 0.899 learned, 0.949 sin/cos; 64 apart: 0.836 and 0.886. Near positions get alike vectors in both; the learned ones are whatever helped the model predict.',
    );
    assert.equal(await p.page.locator('.positions-chart svg polyline').count(), 2);
    assert.equal(await p.page.locator('.focus-line').innerText(), 'Positional encoding of m');
    // Another word of the same document: the table has not changed, so nothing is asked again.
    const focus = { uri: 'file:///a.txt', version: 1, word: { text: 'the', start: 0, end: 3 }, fileName: 'a.txt' };
    await send({ type: 'focus', focus });
    assert.equal((await lastRequest()).seq, first.seq, 'no new request for a cursor move');
    await send({ type: 'focus', focus: { ...focus, version: 2 } });
    assert.deepEqual((await lastRequest()).request, { section: 'positions' }, 'an edit asks again');
    await send({ type: 'positions', seq: (await lastRequest()).seq, data });
    const wide = await p.page.locator('.positions-view').evaluate((v) => {
      const right = v.getBoundingClientRect().right + 1;
      return Array.from(v.querySelectorAll('*'))
        .filter((e) => e.getBoundingClientRect().right > right)
        .map((e) => `${e.tagName}.${e.getAttribute('class')} ${Math.round(e.getBoundingClientRect().right)} > ${Math.round(right)}`);
    });
    assert.deepEqual(wide, [], 'everything fits the panel');
    // Malformed: a map of the wrong size is dropped (the view keeps the last good one).
    await send({ type: 'positions', seq: first.seq, data: { ...data, learned: new Float32Array(3) } });
    assert.equal(await p.page.locator('.positions-map').count(), 2);
    await send({ type: 'init', language: 'zh-cn', model: { id: 'm', layers: 4, heads: 3 } });
    assert.equal(await p.page.locator('.positions-view button.mode[aria-pressed="true"]').innerText(), '位置');
    await send({ type: 'positions', seq: (await lastRequest()).seq, data });
    await p.page.waitForFunction(() => !!document.querySelector('.positions-chart svg'), null, { timeout: 10_000 });
    assert.match(await p.page.locator('.positions-summary').innerText(), /^相邻位置：余弦 0\.899（学到的）/);
    await send({ type: 'init', language: 'en', model: { id: 'm', layers: 4, heads: 3 } });
    await p.page.locator('.positions-view button.mode[data-mode="model"]').click();
    assert.deepEqual(await p.cspViolations(), []);
  },
);

test('masking: the Token tab’s second mode — drawn pieces marked in the text, the table, Draw again, reveal, zh-CN', { skip }, async () => {
  await p.page.locator('.tabs [data-section="inspect"]').click();
  await p.page.locator('.inspect-view button.mode[data-mode="masking"]').click();
  const first = await lastRequest();
  assert.deepEqual(first.request, { section: 'masking', seed: 1 });
  assert.equal(await p.page.locator('.tabs [aria-selected="true"]').getAttribute('data-section'), 'inspect', 'no tab of its own');
  const item = (start: number, end: number, original: string, shown: string, as: string, correct: boolean) => ({
    start,
    end,
    original,
    shown,
    as,
    predictions: [
      { word: correct ? original : 'dog', score: 0.6 },
      { word: 'it', score: 0.1 },
    ],
    correct,
  });
  const data = {
    model: 'm',
    seed: 1,
    rate: 0.15,
    pieces: 7,
    text: 'The cat sat on the mat.',
    offset: 8,
    items: [item(4, 7, 'cat', 'mask', '[MASK]', false), item(19, 22, 'mat', 'random', 'sky', true)],
    correct: 1,
  };
  await send({ type: 'masking', seq: first.seq, data });
  await p.page.locator('.masking-text mark').first().waitFor({ timeout: 10_000 });
  assert.equal(await p.page.locator('.masking-text').innerText(), 'The cat sat on the mat.', 'the text whole, pieces marked in place');
  assert.deepEqual(
    await p.page.locator('.masking-text mark').evaluateAll((ms) => ms.map((m) => [m.className, m.textContent, m.getAttribute('title')])),
    [
      ['drawn bad', 'cat', 'The model read [MASK]; its guesses: dog 0.600, it 0.100'],
      ['drawn ok', 'mat', 'The model read sky (random); its guesses: mat 0.600, it 0.100'],
    ],
  );
  assert.equal(
    await p.page.locator('.masking-summary').innerText(),
    'm: 2 of the 7 pieces read drawn (15%) — 1 [MASK], 1 random, 0 kept. First guess right: 1 of 2 (50%).',
  );
  assert.deepEqual(
    await p.page
      .locator('.masking-table tr')
      .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, ' ').trim())),
    ['piece the model read its guesses', 'cat [MASK] dog 0.600, it 0.100 ✗', 'mat sky (random) mat 0.600, it 0.100 ✓'],
  );
  assert.equal(await p.page.locator('.focus-line').innerText(), 'The paragraph at the cursor in a.txt');
  // A piece in the table selects it in the editor: document offsets (the text starts at 8).
  await p.page.locator('.masking-table button.reveal').nth(1).click();
  const reveal = await p.page.evaluate(() => (window as any).__posted.filter((m: any) => m.type === 'reveal').at(-1));
  assert.deepEqual(reveal, { type: 'reveal', start: 27, end: 30 });
  await p.page.locator('.masking-view button.draw-again').click();
  assert.deepEqual((await lastRequest()).request, { section: 'masking', seed: 2 }, 'another draw');
  const wide = await p.page.locator('.masking-view').evaluate((v) => v.scrollWidth <= v.clientWidth + 1);
  assert.ok(wide, 'fits the panel');
  await send({ type: 'init', language: 'zh-cn', model: { id: 'm', layers: 4, heads: 3 } });
  assert.equal(await p.page.locator('.masking-view button.mode[aria-pressed="true"]').innerText(), '遮盖（15%）');
  await send({ type: 'masking', seq: (await lastRequest()).seq, data });
  await p.page.locator('.masking-summary', { hasText: '第一个猜测正确' }).waitFor({ timeout: 10_000 });
  await send({ type: 'init', language: 'en', model: { id: 'm', layers: 4, heads: 3 } });
  await p.page.locator('.masking-view button.mode[data-mode="inspect"]').click();
  assert.deepEqual(await p.cspViolations(), []);
});

test(
  'reference: the Token tab’s Corpus mode — layer picker 0..L, the search summary, same-word count, matches in their passages, zh-CN',
  { skip },
  async () => {
    await p.page.locator('.tabs [data-section="inspect"]').click();
    await p.page.locator('.inspect-view button.mode[data-mode="reference"]').click();
    const first = await lastRequest();
    assert.deepEqual(first.request, { section: 'reference', layer: -1 }, 'the last layer first');
    assert.equal(await p.page.locator('.tabs [aria-selected="true"]').getAttribute('data-section'), 'inspect', 'no tab of its own');
    assert.deepEqual(
      await p.page
        .locator('.reference-view select option')
        .evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent])),
      [
        ['0', '0 (embeddings)'],
        ['1', '1'],
        ['2', '2'],
        ['3', '3'],
        ['4', '4 (last)'],
      ],
    );
    assert.equal(await p.page.locator('.reference-view select').inputValue(), '4');
    const m = (word: string, score: number, before: string, after: string, position: number) => ({
      word,
      score,
      position,
      before,
      after,
      cutBefore: true,
      cutAfter: false,
    });
    const data = {
      model: 'm',
      corpus: 'reference-en',
      layer: 4,
      layers: 4,
      searched: 50910,
      passages: 900,
      word: 'bank',
      position: 7,
      matches: [m('bank', 0.912, 'as the central ', ' of the United States.', 12), m('river', 0.8, 'across a ', ' of commuters.', 7)],
      sameWord: 1,
      words: [
        { word: 'bank', count: 1 },
        { word: 'river', count: 1 },
      ],
    };
    // A long first read says how far it is; progress for an older request is dropped.
    await send({ type: 'progress', section: 'reference', seq: first.seq, done: 30, total: 120 });
    await p.page.locator('.status', { hasText: 'Reading the reference corpus for this layer… 25%' }).waitFor({ timeout: 10_000 });
    await send({ type: 'progress', section: 'reference', seq: first.seq - 1, done: 1, total: 120 });
    await send({ type: 'progress', section: 'reference', seq: first.seq, done: 5, total: 4 }); // malformed: dropped
    await p.page.waitForTimeout(200);
    assert.equal(await p.page.locator('.status').innerText(), 'Reading the reference corpus for this layer… 25%');
    await send({ type: 'reference', seq: first.seq, data });
    await p.page.locator('.reference-table mark').first().waitFor({ timeout: 10_000 });
    assert.equal(await p.page.locator('.status').innerText(), '', 'the status clears with the answer');
    assert.equal(
      await p.page.locator('.reference-summary').innerText(),
      '“bank” (position 7) at layer 4 (last) against 50,910 words of 900 passages (reference-en).',
    );
    assert.equal(await p.page.locator('.reference-words').innerText(), 'Same word: 1 of 2. Words matched: bank 1 · river 1');
    assert.deepEqual(
      await p.page
        .locator('.reference-table tr')
        .evaluateAll((trs) => trs.map((tr) => [(tr as HTMLElement).innerText.replace(/\s+/g, ' ').trim(), tr.className])),
      [
        ['cosine pos. in the corpus', ''],
        ['0.912 12 …as the central bank of the United States.', 'same'],
        ['0.800 7 …across a river of commuters.', ''],
      ],
    );
    assert.deepEqual(await p.page.locator('.reference-table mark').allInnerTexts(), ['bank', 'river']);
    assert.deepEqual(
      await p.page.locator('.reference-table td.same-pos').allInnerTexts(),
      ['7'],
      'the position of the cursor word, in bold',
    );
    // Another layer asks again; the embeddings are layer 0, and the choice survives a reload of the model list.
    await p.page.locator('.reference-view select').selectOption('0');
    assert.deepEqual((await lastRequest()).request, { section: 'reference', layer: 0 });
    await p.page.locator('.reference-view select').selectOption('4');
    assert.deepEqual((await lastRequest()).request, { section: 'reference', layer: -1 }, 'the last layer asked as the last');
    const wide = await p.page.locator('.reference-view').evaluate((v) => v.scrollWidth <= v.clientWidth + 1);
    assert.ok(wide, 'fits the panel');
    await send({ type: 'init', language: 'zh-cn', model: { id: 'm', layers: 4, heads: 3 } });
    assert.equal(await p.page.locator('.reference-view button.mode[aria-pressed="true"]').innerText(), '语料');
    assert.equal(await p.page.locator('.reference-view select option').first().innerText(), '0（词嵌入）');
    await send({ type: 'reference', seq: (await lastRequest()).seq, data: { ...data, word: '哈', corpus: 'reference-zh' } });
    await p.page
      .locator('.reference-summary', { hasText: '“哈”（位置 7），层 4（最后一层）：与 reference-zh 中 900 段共 50,910 个词比较。' })
      .waitFor({ timeout: 10_000 });
    await send({ type: 'init', language: 'en', model: { id: 'm', layers: 4, heads: 3 } });
    await p.page.locator('.reference-view button.mode[data-mode="inspect"]').click();
    assert.deepEqual(await p.cspViolations(), []);
  },
);
