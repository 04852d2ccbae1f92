// Heads named as LAYER.HEAD (layers from 1, heads from 0, as attention and explain number them), comma-separated;
// LAYER.* is every head of a layer. Plain code with no imports: the CLI and the panel both use it.

export interface HeadSpecRef {
  layer: number;
  head: number;
}

/** Parses "1.0,2.3" or "2.*" for a model of `layers` × `heads`; throws an Error that says what is wrong and what to write. */
export function parseHeads(spec: string, layers: number, heads: number): HeadSpecRef[] {
  const out: HeadSpecRef[] = [];
  const form = `Write heads as LAYER.HEAD separated by commas (layers 1..${layers}, heads 0..${heads - 1}; LAYER.* for a whole layer), e.g. 1.0,${layers}.${heads - 1}.`;
  for (const item of spec.split(',').map((s) => s.trim())) {
    if (!item) throw new Error(`"${spec}" has an empty entry. ${form}`);
    const m = /^(\d+)\.(\d+|\*)$/.exec(item);
    if (!m) throw new Error(`"${item}" is not a head. ${form}`);
    const layer = Number(m[1]);
    if (layer < 1 || layer > layers)
      throw new Error(`Layer ${layer} (in "${item}") does not exist: the model has layers 1..${layers}. ${form}`);
    const list = m[2] === '*' ? Array.from({ length: heads }, (_, h) => h) : [Number(m[2])];
    for (const head of list) {
      if (head >= heads)
        throw new Error(`Head ${head} (in "${item}") does not exist: the model has heads 0..${heads - 1} in each layer. ${form}`);
      if (!out.some((x) => x.layer === layer && x.head === head)) out.push({ layer, head });
    }
  }
  return out;
}

/** "1.0, 2.3" — the inverse of parseHeads for display. */
export function formatHeads(list: HeadSpecRef[]): string {
  return list.map((h) => `${h.layer}.${h.head}`).join(', ');
}
