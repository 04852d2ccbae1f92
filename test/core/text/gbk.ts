// GBK bytes of Chinese text, for tests of files in that encoding: Node decodes GB18030 (full ICU) but has no encoder,
// so the table is made by decoding every two-byte GBK code once.
let table: Map<string, [number, number]> | undefined;

export function gbkBytes(text: string): Buffer {
  if (!table) {
    table = new Map();
    const d = new TextDecoder('gb18030');
    for (let a = 0x81; a <= 0xfe; a++) for (let b = 0x40; b <= 0xfe; b++) if (b !== 0x7f) table.set(d.decode(Uint8Array.of(a, b)), [a, b]);
  }
  const out: number[] = [];
  for (const c of text) {
    if (c.charCodeAt(0) < 0x80) out.push(c.charCodeAt(0));
    else {
      const code = table.get(c);
      if (!code) throw new Error(`no two-byte GBK code for ${c}`);
      out.push(...code);
    }
  }
  return Buffer.from(out);
}
