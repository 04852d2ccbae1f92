// Every error's advice names something the user can do where they are: a VS Code setting that exists (with a value
// it accepts) or a command by its title, in English and zh-CN; in the CLI, a flag the CLI has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Fix } from '../../src/core/model/errors';
import { cliAdvice } from '../../src/cli/advice';
import { OPTIONS } from '../../src/cli/args';
import { errorText, vscodeAdvice, type L10n } from '../../src/extension/advice';
import { WorkerClient, WorkerError } from '../../src/extension/client';
import type { WorkerConfig } from '../../src/worker/protocol';
import { buildWorker, root } from '../worker/build-worker';

const json = (p: string) => JSON.parse(readFileSync(path.join(root, p), 'utf8'));
const settings = json('package.json').contributes.configuration.properties as Record<string, { enum?: string[]; type: string }>;
const nls = json('package.nls.json');
const zhNls = json('package.nls.zh-cn.json');
const zhBundle = json('l10n/bundle.l10n.zh-cn.json') as Record<string, string>;
const format = (m: string, a: unknown[]) => m.replace(/\{(\d)\}/g, (_, i) => String(a[Number(i)]));
const en: L10n = { t: (m, ...a) => format(m, a) };
const zh: L10n = { t: (m, ...a) => format(zhBundle[m] ?? `UNTRANSLATED ${m}`, a) };

const FIXES: Fix[] = [
  { option: 'dtype', value: 'fp32' },
  { option: 'dtype', value: 'int8' },
  { option: 'offline', value: true },
  { option: 'offline', value: false },
  { option: 'hubEndpoint' },
  { option: 'hfToken' },
  { option: 'cacheDir' },
  { option: 'model' },
  { option: 'model', task: 'qa' },
  { option: 'model', task: 'mlm' },
  { option: 'staticVectors' },
];

/** Settings and command titles a VS Code advice names must exist in the manifest (titles in the UI's language). */
function assertActionable(text: string, titles: Record<string, string>, fix: Fix): void {
  const named = [...text.matchAll(/\bbertLens\.[\w.]+\w/g)].map((m) => m[0]);
  const commands = [...text.matchAll(/BERT Lens: ([^"”]+)/g)].map((m) => m[1]);
  assert.ok(named.length + commands.length > 0 || /HF_TOKEN/.test(text), `"${text}" names nothing to change`);
  for (const s of named) assert.ok(settings[s], `"${text}" names ${s}, which is not a setting`);
  for (const c of commands) assert.ok(Object.values(titles).includes(c), `"${text}" names the command "${c}", which has no such title`);
  if (fix.option === 'dtype') assert.ok(settings['bertLens.dtype'].enum!.includes(fix.value));
}

test('VS Code advice names an existing setting (with an accepted value) or command title, in English and zh-CN', () => {
  for (const fix of FIXES) {
    const a = vscodeAdvice(fix, en);
    if (fix.option === 'cacheDir') {
      assert.equal(a, undefined, 'the extension has no cache-folder setting');
      continue;
    }
    assertActionable(a!, nls, fix);
    const z = vscodeAdvice(fix, zh)!;
    assert.doesNotMatch(z, /UNTRANSLATED/);
    assertActionable(z, zhNls, fix);
  }
});

test('CLI advice names a flag the CLI has', () => {
  for (const fix of FIXES) {
    const a = cliAdvice(fix);
    const flags = [...a.matchAll(/--([\w-]+)/g)].map((m) => m[1]);
    assert.ok(flags.length > 0 || /HF_TOKEN/.test(a), `"${a}" names no flag`);
    for (const f of flags) assert.ok(OPTIONS[f], `"${a}" names --${f}, which the CLI does not have`);
  }
});

test('through the real worker: an int8 request on an fp32-only folder advises bertLens.dtype fp32, and the setting loads it', async () => {
  const folder = path.join(root, 'test', 'fixtures', 'tiny-distilbert'); // fp32 only
  const config: WorkerConfig = {
    model: folder,
    qaModel: '',
    staticVectors: '',
    modelsDir: path.join(root, 'models'),
    cacheDir: path.join(root, '.work', 'test-worker', 'cache'),
    hubEndpoint: 'http://127.0.0.1:9',
    offline: true,
    threads: 1,
    dtype: 'int8',
  };
  const client = new WorkerClient({ script: await buildWorker() });
  try {
    const s = await client.configure(config);
    assert.equal(s.encoder.state, 'error');
    assert.deepEqual(s.encoder.error!.fix, [{ option: 'dtype', value: 'fp32' }]);
    assert.match(errorText(s.encoder.error, en), /Set bertLens\.dtype to fp32\./);
    assert.doesNotMatch(errorText(s.encoder.error, en), /choose dtype/);
    const e = await client.call.mask({ uri: 'file:///a.txt', version: 1, text: 'a [MASK] b' }, 3, 2).catch((x: WorkerError) => x);
    assert.ok(e instanceof WorkerError && e.code === 'NOT_READY');
    assert.match(errorText(e, en), /Set bertLens\.dtype to fp32\..*Select Model…/);
    assert.equal((await client.configure({ ...config, dtype: 'fp32' })).encoder.state, 'ready', 'following the advice works');
  } finally {
    await client.dispose();
  }
});
