// Checks a model: files present, JSON parses, ONNX parses and a session loads, a one-row run works.
import type { StoreOptions } from '../api';

export async function verifyModel(source: string, _opts: StoreOptions = {}): Promise<{ ok: boolean; problems: string[] }> {
  return { ok: false, problems: [`verifyModel(${source}) not implemented yet`] };
}
