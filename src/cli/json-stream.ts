// JSON output in pieces: the text of JSON.stringify(value, null, 2), byte for byte, without building it as one
// string (a 10 MB document's tokens are ~500 MB of JSON, past V8's longest string) or mapping every element first.

/** Plain data (objects, arrays, primitives), with `lazy` arrays whose elements are produced one at a time. */
export class Lazy<T> {
  constructor(
    readonly length: number,
    readonly at: (i: number) => T,
  ) {}
}

/** Pieces whose concatenation is JSON.stringify(value, null, 2) (a Lazy reads as the array of its elements). */
export function* jsonPieces(value: unknown, indent = ''): Generator<string> {
  const inner = indent + '  ';
  if (value instanceof Lazy) {
    if (!value.length) yield '[]';
    else {
      for (let i = 0; i < value.length; i++) {
        // JSON.stringify writes an undefined element as null; each element is small, so it is stringified whole.
        const s = JSON.stringify(value.at(i), null, 2) ?? 'null';
        yield `${i ? ',' : '['}\n${inner}${s.replace(/\n/g, '\n' + inner)}`;
      }
      yield `\n${indent}]`;
    }
  } else if (value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).some((v) => v instanceof Lazy)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
    for (const [k, [key, v]] of entries.entries()) {
      yield `${k ? ',' : '{'}\n${inner}${JSON.stringify(key)}: `;
      yield* jsonPieces(v, inner);
    }
    yield `\n${indent}}`; // never empty: it holds a Lazy
  } else {
    yield (JSON.stringify(value, null, 2) ?? 'null').replace(/\n/g, '\n' + indent);
  }
}

/** Joins pieces into writes of about 64 KiB. */
export function* batched(pieces: Iterable<string>, size = 1 << 16): Generator<string> {
  let buf: string[] = [];
  let n = 0;
  for (const p of pieces) {
    buf.push(p);
    n += p.length;
    if (n >= size) {
      yield buf.join('');
      buf = [];
      n = 0;
    }
  }
  if (buf.length) yield buf.join('');
}
