// Snapshots of folder models (core/model/snapshot.ts): one copy per model file in use, never a stale or half copy.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SNAPSHOTS, snapshotOf } from '../../../src/core/model/snapshot';
import { tempDir } from '../../temp';

/** A folder with model.onnx (and model.onnx_data when `data`), and a cache beside it. */
function setup(name: string, data = false) {
  const root = tempDir(`bert-lens-${name}-`);
  const model = path.join(root, 'm', 'model.onnx');
  fs.mkdirSync(path.dirname(model), { recursive: true });
  fs.writeFileSync(model, 'graph v1');
  if (data) fs.writeFileSync(`${model}_data`, 'weights v1');
  return { root, model, cache: path.join(root, 'cache') };
}

const later = (file: string, s: number) => fs.utimesSync(file, new Date(), new Date(Date.now() + s * 1000));
const copies = (cache: string) =>
  fs
    .readdirSync(path.join(cache, SNAPSHOTS), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('model.onnx'));

describe('model snapshots', () => {
  it('copies the file and its external data once per version; a changed file replaces its old snapshot', () => {
    const { model, cache } = setup('snap-version', true);
    const a = snapshotOf(model, cache)!;
    assert.equal(fs.readFileSync(a, 'utf8'), 'graph v1');
    assert.equal(fs.readFileSync(`${a}_data`, 'utf8'), 'weights v1');
    const made = fs.statSync(a).mtimeMs;
    assert.equal(snapshotOf(model, cache), a, 'the same version: the same snapshot');
    assert.equal(fs.statSync(a).mtimeMs, made, 'not copied again');
    fs.writeFileSync(`${model}_data`, 'weights v2'); // only the external data changes
    later(`${model}_data`, 5);
    const b = snapshotOf(model, cache)!;
    assert.notEqual(b, a);
    assert.equal(fs.readFileSync(`${b}_data`, 'utf8'), 'weights v2');
    assert.equal(fs.existsSync(a), false, 'the old version removed');
    assert.equal(copies(cache).length, 1);
  });

  it('removes snapshots of files that are gone, and copies abandoned half-way, but not one in progress', () => {
    const one = setup('snap-gone');
    const other = path.join(one.root, 'n', 'model.onnx');
    fs.mkdirSync(path.dirname(other));
    fs.writeFileSync(other, 'another');
    const gone = snapshotOf(one.model, one.cache)!;
    const abandoned = path.join(one.cache, SNAPSHOTS, 'x', 'old');
    const fresh = path.join(one.cache, SNAPSHOTS, 'y', 'new');
    for (const d of [abandoned, fresh]) fs.mkdirSync(d, { recursive: true });
    fs.utimesSync(abandoned, new Date(0), new Date(0));
    fs.rmSync(path.dirname(one.model), { recursive: true });
    const kept = snapshotOf(other, one.cache)!;
    assert.equal(fs.readFileSync(kept, 'utf8'), 'another');
    assert.equal(fs.existsSync(path.dirname(gone)), false, 'its source is gone');
    assert.equal(fs.existsSync(path.dirname(abandoned)), false, 'no source.txt for an hour');
    assert.equal(fs.existsSync(fresh), true, 'another process may be copying it now');
  });

  it('none where the cache takes no files or the model is not a regular file: the caller loads from bytes', () => {
    const { root, model } = setup('snap-none');
    fs.writeFileSync(path.join(root, 'file'), '');
    assert.equal(snapshotOf(model, path.join(root, 'file', 'cache')), undefined);
    const folderInPlace = path.join(root, 'f', 'model.onnx');
    fs.mkdirSync(folderInPlace, { recursive: true });
    assert.equal(snapshotOf(folderInPlace, path.join(root, 'cache')), undefined);
    assert.equal(fs.existsSync(path.join(root, 'cache', SNAPSHOTS)), false, 'nothing left behind');
  });
});
