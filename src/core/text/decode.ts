// Bytes of a file or pipe → text, or a clear refusal. BERT reads text: a binary file decoded as UTF-8 gives the model
// replacement characters and control codes, and the user a page of garbage presented as results. Text is UTF-8 (a BOM
// dropped, as VS Code drops it), UTF-16 with a BOM (Windows "Unicode" files), or GB18030/GBK when it is not valid UTF-8
// but is valid GB18030 with Chinese in it (legacy Chinese files); anything else is refused with the way to convert it.

export type TextEncoding = 'UTF-8' | 'UTF-16LE' | 'UTF-16BE' | 'GB18030';

export interface Decoded {
  text: string;
  encoding: TextEncoding;
}

/** The bytes are not text BERT Lens can read; `message` says why and what to do (without naming the source). */
export class NotTextError extends Error {}

/** Share of control characters (other than the whitespace, backspace and escape that text files carry) past which
 * valid UTF-8 is still treated as binary. */
const MAX_CONTROL_SHARE = 0.1;
const SAMPLE_CHARS = 1 << 20;

export function decodeText(bytes: Uint8Array): Decoded {
  const [b0, b1] = bytes;
  if (b0 === 0xff && b1 === 0xfe) return checked(decode('utf-16le', bytes), 'UTF-16LE');
  if (b0 === 0xfe && b1 === 0xff) return checked(decode('utf-16be', bytes), 'UTF-16BE');
  const utf8 = decode('utf-8', bytes);
  if (utf8 !== undefined) return checked(utf8, 'UTF-8');
  if (bytes.indexOf(0) < 0) {
    const gb = decode('gb18030', bytes);
    if (gb !== undefined && /[\u3400-\u9fff]/u.test(gb)) return checked(gb, 'GB18030');
  }
  throw new NotTextError(
    bytes.indexOf(0) >= 0
      ? 'it looks binary (it contains NUL bytes), not text. Give a text file.'
      : `it is not UTF-8 text (the first invalid byte is at ${firstInvalidUtf8(bytes)}) nor GB18030. Convert it to UTF-8 first, e.g. iconv -f LATIN1 -t UTF-8 (name its encoding after -f).`,
  );
}

/** Why `text` (already decoded) looks like a binary file's contents, or undefined for text. */
export function binaryReason(text: string): string | undefined {
  if (text.indexOf('\0') >= 0) return 'it looks binary (it contains NUL characters), not text';
  const n = Math.min(text.length, SAMPLE_CHARS);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    // C0 controls and DEL, except tab, newline, vertical tab, form feed, carriage return, backspace and escape.
    if ((c < 0x20 && (c < 0x08 || c > 0x0d) && c !== 0x1b) || c === 0x7f) control++;
  }
  if (n > 0 && control / n > MAX_CONTROL_SHARE)
    return `it looks binary (${((100 * control) / n).toFixed(0)} % of its characters are control codes), not text`;
  return undefined;
}

function checked(text: string | undefined, encoding: TextEncoding): Decoded {
  if (text === undefined)
    throw new NotTextError(`it starts with a ${encoding} byte-order mark but is not valid ${encoding}. Save it again as UTF-8.`);
  const why = binaryReason(text);
  if (why) throw new NotTextError(`${why}. Give a text file.`);
  return { text, encoding };
}

/** Strict decoding (a BOM of the same encoding dropped); undefined when the bytes are not valid in it. */
function decode(label: string, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Byte offset of the first byte that does not start or continue a valid UTF-8 sequence (bytes.length if none). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  // The longest valid prefix, by bisection: decoding is native, so this is a few passes, not a byte loop in JS.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (validPrefix(bytes.subarray(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  // The prefix may end inside a sequence that the next byte breaks: the invalid sequence starts at its lead byte.
  if (decode('utf-8', bytes.subarray(0, lo)) !== undefined) return lo;
  for (let j = lo - 1; j >= Math.max(0, lo - 3); j--) if (bytes[j] >= 0xc0) return j;
  return lo;
}

/** True when `bytes` is valid UTF-8 up to, possibly, a sequence cut at its end (a streaming decode allows that). */
function validPrefix(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Fewest replacement characters, and their share of the text, that make a notice worth showing (a stray U+FFFD
 * pasted from elsewhere is not a wrongly decoded file). */
const MISDECODED_MIN = 8;
const MISDECODED_SHARE = 0.01;

/**
 * Replacement characters (U+FFFD) in a document an editor decoded, when there are enough of them to say that its bytes
 * were read in the wrong encoding (a GBK file opened as UTF-8: each Chinese character becomes one or two of them);
 * else 0. BERT's tokenizer drops U+FFFD, so such a document shows only its ASCII words.
 */
export function misdecodedCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) n++;
  return n >= MISDECODED_MIN && n / text.length >= MISDECODED_SHARE ? n : 0;
}
