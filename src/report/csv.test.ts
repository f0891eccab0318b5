import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField } from './csv.js';

test('CSV cells are RFC 4180 quoted and formula-safe', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField(null), '');
  assert.equal(csvField(42), '42');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
  for (const lead of ['=', '+', '-', '@', '\t', '\r']) assert.ok(csvField(`${lead}1`).replace(/^"/, '').startsWith(`'${lead}`), JSON.stringify(lead));
  assert.equal(csvField('-1'), "'-1");
});
