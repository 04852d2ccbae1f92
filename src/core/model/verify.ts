// Checks a model: files present, JSON parses, ONNX parses and a session loads, a one-row run works (per dtype).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Dtype, StoreOptions } from '../api';
import { BertLensError } from './errors';
import { readRecord } from './download';
import { availableDtypes, ONNX_FILES } from './info';
import { nonFiniteWeights } from './checks';
import { indexModel } from './graph';
import { loadModel } from './session';
import { resolveModel } from './store';
import { readBounded, readJsonText } from './files';

const NEEDED = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

/** A downloaded folder: every file still has the size and SHA-256 it was downloaded with (bit rot, a half-copied
 * cache, an edited file). */
function recordProblems(dir: string): string[] {
  const record = readRecord(dir);
  if (!record) return [];
  const out: string[] = [];
  for (const [file, want] of Object.entries(record.files)) {
    const p = path.join(dir, file);
    if (!fs.existsSync(p)) continue; // reported as missing where it matters
    const size = fs.statSync(p).size;
    if (size !== want.size) {
      out.push(`${file} has ${size} bytes but was downloaded with ${want.size}. Delete ${dir} and download the model again.`);
      continue;
    }
    if (!want.sha256) continue;
    const hash = createHash('sha256');
    const fd = fs.openSync(p, 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) hash.update(buf.subarray(0, n));
    } finally {
      fs.closeSync(fd);
    }
    if (hash.digest('hex') !== want.sha256) {
      out.push(
        `${file} no longer matches the SHA-256 it was downloaded with (the file changed on disk). Delete ${dir} and download the model again.`,
      );
    }
  }
  return out;
}

/** Looks up [CLS]/[SEP] in tokenizer.json so the smoke run uses real special ids. */
function specialIds(dir: string): number[] {
  try {
    const tok = JSON.parse(readJsonText(path.join(dir, 'tokenizer.json'))) as { model?: { vocab?: Record<string, number> } };
    const v = tok.model?.vocab ?? {};
    if (typeof v['[CLS]'] === 'number' && typeof v['[SEP]'] === 'number') return [v['[CLS]'], v['[SEP]']];
  } catch {
    /* reported below */
  }
  return [0, 0];
}

export async function verifyModel(source: string, opts: StoreOptions = {}): Promise<{ ok: boolean; problems: string[] }> {
  const problems: string[] = [];
  let dir: string;
  try {
    dir = (await resolveModel(source, opts)).dir;
  } catch (e) {
    return { ok: false, problems: [(e as Error).message] };
  }
  for (const f of NEEDED) if (!fs.existsSync(path.join(dir, f))) problems.push(`${f} is missing in ${dir}.`);
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    try {
      JSON.parse(readJsonText(path.join(dir, f)));
    } catch (e) {
      problems.push(`${f} is not valid JSON (${(e as Error).message}).`);
    }
  }
  problems.push(...recordProblems(dir));
  const dtypes: Dtype[] = opts.dtype && opts.dtype !== 'auto' ? [opts.dtype] : availableDtypes(dir);
  if (dtypes.length === 0) problems.push(`No onnx/model.onnx or onnx/model_quantized.onnx in ${dir}.`);
  for (const dtype of dtypes) {
    try {
      const g = indexModel(readBounded(path.join(dir, ONNX_FILES[dtype])));
      const bad = nonFiniteWeights(g);
      if (bad.length)
        problems.push(
          `${dtype}: ${ONNX_FILES[dtype]} has weights that are NaN or infinite: ${bad.join(', ')}. Re-download the model or re-export it from a good checkpoint.`,
        );
    } catch {
      /* an unreadable or unparsable file is reported by the load below */
    }
    try {
      const m = await loadModel(source, { ...opts, offline: true }, { dtype });
      try {
        const ids = specialIds(dir);
        const [out] = await m.run([{ ids }], { hiddenLayers: m.info.capabilities.hidden ? [m.info.layers] : [] });
        const h = out.hidden[m.info.layers];
        if (h && !h.every(Number.isFinite)) problems.push(`${dtype}: the model produced non-finite hidden states.`);
        if (!m.info.capabilities.attention)
          problems.push(`${dtype}: attention is not available (fused attention in the graph); other views still work.`);
      } finally {
        await m.dispose();
      }
    } catch (e) {
      problems.push(`${dtype}: ${e instanceof BertLensError ? e.message : String(e)}`);
    }
  }
  // "attention unavailable" is a limitation, not a broken model.
  return { ok: problems.every((p) => p.includes('attention is not available')), problems };
}
