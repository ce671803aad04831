import * as assert from 'node:assert/strict';
import { byteToCharOffset, LineIndex } from '../../../src/core/text';

describe('text positions', () => {
  it('maps offsets to lines and back, with CRLF and a final line without a break', () => {
    const t = 'ab\r\ncd\nef';
    const ix = new LineIndex(t);
    assert.equal(ix.lineCount, 3);
    assert.deepEqual(ix.positionAt(4), { line: 1, character: 0 });
    assert.deepEqual(ix.positionAt(8), { line: 2, character: 1 });
    assert.equal(ix.offsetAt({ line: 2, character: 1 }), 8);
    assert.equal(ix.lineText(0), 'ab');
  });

  it('converts UTF-8 byte offsets from WASM parsers into string offsets', () => {
    const t = "-- café ☕\nSELECT 1;";
    const byteOfSelect = Buffer.byteLength("-- café ☕\n", 'utf8');
    assert.equal(byteToCharOffset(t, byteOfSelect), t.indexOf('SELECT'));
  });
});
