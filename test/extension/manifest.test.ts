// The manifest and its translations stay consistent: every %key% and runtime string is translated to zh-CN,
// every contributed command has a handler in the command table, settings match the typed config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { root } from '../worker/build-worker';
import { CONFIG_FIELDS, DEFAULTS, readConfig, RESTRICTED_KEYS, type ConfigKey, type Inspected } from '../../src/extension/config';

const read = (p: string) => readFileSync(path.join(root, p), 'utf8');
const pkg = JSON.parse(read('package.json'));
const nls = JSON.parse(read('package.nls.json'));
const zh = JSON.parse(read('package.nls.zh-cn.json'));
const bundle = JSON.parse(read('l10n/bundle.l10n.zh-cn.json'));

test('every %key% of the manifest exists in package.nls.json and package.nls.zh-cn.json', () => {
  const keys = [...JSON.stringify(pkg).matchAll(/"%([\w.]+)%"/g)].map((m) => m[1]);
  assert.ok(keys.length > 30);
  for (const k of keys) {
    assert.ok(nls[k], `package.nls.json lacks ${k}`);
    assert.ok(zh[k], `package.nls.zh-cn.json lacks ${k}`);
    assert.match(zh[k], /[\u4e00-\u9fff]/, `${k} is not translated`);
  }
});

test('every vscode.l10n.t string in src/extension has a zh-CN translation', () => {
  const dir = path.join(root, 'src', 'extension');
  const strings = new Set<string>();
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const src = readFileSync(path.join(dir, f), 'utf8');
    for (const m of src.matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)) strings.add(m[1].replace(/\\'/g, "'"));
  }
  assert.ok(strings.size > 50);
  const missing = [...strings].filter((s) => !bundle[s]);
  assert.deepEqual(missing, []);
  for (const [en, tr] of Object.entries<string>(bundle)) {
    const ph = (s: string) =>
      [...s.matchAll(/\{\d\}/g)]
        .map((m) => m[0])
        .sort()
        .join();
    assert.equal(ph(tr), ph(en), `placeholders differ in "${en}"`);
  }
});

test('commands: every contributed command is handled (panel commands by the panel)', () => {
  const table = read('src/extension/commands.ts');
  for (const c of pkg.contributes.commands as Array<{ command: string; category: string }>) {
    assert.equal(c.category, 'BERT Lens');
    const name = c.command.replace(/^bertLens\./, '');
    if (name === 'showInPanel') continue; // registered by src/extension/panel (registerPanel)
    assert.match(table, new RegExp(`\\b${name}:`), `no handler for ${c.command}`);
  }
});

test('settings defaults match the typed config, Restricted Mode lists the model paths and resource limits', () => {
  const props = pkg.contributes.configuration.properties;
  for (const [key, field] of Object.entries(CONFIG_FIELDS)) assert.deepEqual(props[`bertLens.${key}`]?.default, DEFAULTS[field], key);
  assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.sort(), [
    'bertLens.hubEndpoint',
    'bertLens.maxDocumentChars',
    'bertLens.model',
    'bertLens.qaModel',
    'bertLens.referenceCorpus',
    'bertLens.staticVectors',
    'bertLens.threads',
  ]);
  assert.deepEqual(
    [...RESTRICTED_KEYS].map((k) => `bertLens.${k}`).sort(),
    pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.sort(),
    'the reader ignores exactly what the manifest declares',
  );
});

test('every setting in package.json is read by the typed config, which applies its enum and bounds', () => {
  type Prop = { default: unknown; enum?: unknown[]; minimum?: number; maximum?: number };
  const props = pkg.contributes.configuration.properties as Record<string, Prop>;
  const keys = Object.keys(CONFIG_FIELDS)
    .map((k) => `bertLens.${k}`)
    .sort();
  assert.deepEqual(Object.keys(props).sort(), keys, 'package.json and CONFIG_FIELDS list the same settings');
  const read = (key: string, value: unknown) => {
    const k = key.slice('bertLens.'.length) as ConfigKey;
    const values: Partial<Record<ConfigKey, Inspected>> = { [k]: { globalValue: value } };
    return readConfig((x) => values[x], true)[CONFIG_FIELDS[k]];
  };
  for (const [key, p] of Object.entries(props)) {
    // An unusable value falls back to the manifest's default, not to a second default somewhere else.
    assert.deepEqual(read(key, { not: 'a setting value' }), p.default, `${key}: fallback`);
    for (const v of p.enum ?? []) assert.equal(read(key, v), v, `${key}: enum value ${String(v)}`);
    if (p.minimum !== undefined) assert.equal(read(key, p.minimum - 1), p.minimum, `${key}: below the minimum`);
    if (p.maximum !== undefined) assert.equal(read(key, p.maximum + 1), p.maximum, `${key}: above the maximum`);
  }
});

test('walkthrough media and icons exist', () => {
  for (const w of pkg.contributes.walkthroughs) {
    for (const s of w.steps) {
      assert.ok(existsSync(path.join(root, s.media.markdown)), s.media.markdown);
      // VS Code shows <name>.nls.<locale>.md instead when it exists: the zh-CN walkthrough is built on the Chinese sample.
      const zhMedia = s.media.markdown.replace(/\.md$/, '.nls.zh-cn.md');
      assert.match(read(zhMedia), /[\u4e00-\u9fff]/, zhMedia);
    }
  }
  assert.ok(existsSync(path.join(root, pkg.icon)));
  assert.ok(existsSync(path.join(root, pkg.contributes.viewsContainers.activitybar[0].icon)));
  assert.match(read('samples/walkthrough.md'), /because it was too tired\./);
  assert.match(read('samples/walkthrough.md'), /falls under gravity/);
  assert.match(read('samples/walkthrough.zh-cn.md'), /因为它太累了。/);
});

test('Marketplace metadata: repository, categories, keywords, gallery banner, icon, changelog for this version', () => {
  assert.match(pkg.repository?.url ?? '', /^https:\/\//);
  assert.ok(pkg.categories?.includes('Machine Learning'));
  assert.ok(pkg.keywords?.includes('bert') && pkg.keywords.length <= 30);
  assert.match(pkg.galleryBanner?.color ?? '', /^#[0-9a-f]{6}$/i);
  assert.ok(['dark', 'light'].includes(pkg.galleryBanner?.theme));
  assert.ok(existsSync(path.join(root, pkg.icon)));
  assert.match(read('CHANGELOG.md'), new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}\\b`, 'm'));
});
