// File bytes → text: UTF-8 (BOM dropped), UTF-16 by its BOM, GB18030 for legacy Chinese files; binary refused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gbkBytes } from './gbk';
import { binaryReason, decodeText, misdecodedCount, NotTextError } from '../../../src/core/text/decode';

const refused = (bytes: Buffer, message: RegExp) =>
  assert.throws(
    () => decodeText(bytes),
    (e: Error) => e instanceof NotTextError && message.test(e.message),
  );

describe('decodeText', () => {
  it('reads UTF-8 (a BOM dropped, as VS Code drops it), UTF-16LE/BE by their BOM and GB18030 with Chinese in it', () => {
    const text = 'Café 银行 🙂 naïve';
    assert.deepEqual(decodeText(Buffer.from(text)), { text, encoding: 'UTF-8' });
    assert.deepEqual(decodeText(Buffer.from(`\ufeff${text}`)), { text, encoding: 'UTF-8' });
    assert.deepEqual(decodeText(Buffer.from(`\ufeff${text}`, 'utf16le')), { text, encoding: 'UTF-16LE' });
    const be = Buffer.from(`\ufeff${text}`, 'utf16le').swap16();
    assert.deepEqual(decodeText(be), { text, encoding: 'UTF-16BE' });
    // 你好，世界 in GBK (a subset of GB18030): not valid UTF-8.
    const gbk = Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0xa3, 0xac, 0xca, 0xc0, 0xbd, 0xe7]);
    assert.deepEqual(decodeText(gbk), { text: '你好，世界', encoding: 'GB18030' });
    assert.deepEqual(decodeText(Buffer.alloc(0)), { text: '', encoding: 'UTF-8' });
  });

  it('refuses binary, non-UTF-8 Western text (with the offset and how to convert) and a broken UTF-16 file', () => {
    refused(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), /looks binary \(it contains NUL bytes\)/);
    refused(
      Buffer.from('naïve café', 'latin1'),
      /not UTF-8 text \(the first invalid byte is at 2\) nor GB18030\. Convert it to UTF-8.*iconv/,
    );
    // A lead byte without its second byte is neither UTF-8 nor GB18030.
    refused(Buffer.from([0x41, 0x81, 0x20]), /not UTF-8 text \(the first invalid byte is at 1\)/);
    refused(Buffer.from([0xff, 0xfe, 0x41]), /byte-order mark but is not valid UTF-16LE/);
    refused(Buffer.from('x\u0001\u0002\u0003\u0004y'), /looks binary \(67 % of its characters are control codes\)/);
  });

  it('text with tabs, form feeds, escapes (coloured logs) and backspaces (man pages) is text', () => {
    const log = '\u001b[31merror\u001b[0m\tline\fpage\r\nN\bNAME\u000b';
    assert.equal(binaryReason(log), undefined);
    assert.deepEqual(decodeText(Buffer.from(log)), { text: log, encoding: 'UTF-8' });
    assert.match(binaryReason('ok\u0000') ?? '', /NUL/);
  });

  it('misdecodedCount: a GBK file read as UTF-8 is recognised; a stray replacement character is not', () => {
    const chinese = '银行是经营货币的金融机构。我们坐在河岸上看水。';
    // GBK bytes of the sentence (each character two bytes ≥ 0x81), opened as UTF-8 the way an editor does.
    const bytes = gbkBytes(chinese);
    const shown = new TextDecoder('utf-8').decode(bytes);
    assert.ok(misdecodedCount(shown) >= chinese.length, `${misdecodedCount(shown)}`);
    assert.equal(misdecodedCount(chinese), 0);
    assert.equal(misdecodedCount(`${'The bank of the river. '.repeat(50)}\ufffd`), 0); // one stray character
    assert.equal(misdecodedCount('\ufffd'.repeat(7)), 0); // too few to say
  });
});
