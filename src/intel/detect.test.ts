import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, readSync, closeSync } from 'node:fs';
import fc from 'fast-check';
import type { IntelItem } from '../core/model.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { sharedData, skipUnlessShared } from '../core/test-data.js';
import { detectIntelFormat, readIntel, INTEL_FORMATS, type IntelFormat } from './index.js';

const d = (s: string, path = 'f'): IntelFormat | null => detectIntelFormat(Buffer.from(s), path);

test('detection by content', () => {
  assert.equal(d('{"type": "bundle", "id": "bundle--1", "objects": []}'), 'stix');
  assert.equal(d('\ufeff  {"type":"indicator","spec_version":"2.1"}'), 'stix');
  assert.equal(d('[{"type":"malware","id":"malware--cafd0bf8-2b9c-46c7-ae3c-3e0f42c5062e"}]'), 'stix');
  assert.equal(d('{"Event": {"info": "x"}}'), 'misp');
  assert.equal(d('{"response": [{"Event": {}}]}'), 'misp');
  assert.equal(d('{"Attribute": [], "info": "x", "uuid": "u"}'), 'misp');
  assert.equal(d('{"hello": "world"}'), null);
  assert.equal(d('import "pe"\nrule A { condition: true }'), 'yara');
  assert.equal(d('/* c */\nprivate rule A : T {\n condition: true }'), 'yara');
  assert.equal(d('evil.example.com\n10.0.0.1\n'), 'ioc');
  assert.equal(d('uuid,event_id,category,type,value\n'), 'ioc');
  assert.equal(d('# comments only\n', 'x.yar'), 'yara');
  assert.equal(d('\x00\x01\x02binary'), null);
  assert.equal(d('   \n\t'), null);
  assert.equal(d(''), null);
  // A PDF or an HTML page is a report, read only when asked for (`--format report`), never an IOC list.
  assert.equal(d('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj'), null);
  assert.equal(d('<!DOCTYPE html>\n<p>evil.example.com</p>', 'post.txt'), null);
  assert.equal(d('<html><body>10.0.0.1</body></html>'), null);
  assert.deepEqual([...INTEL_FORMATS], ['stix', 'misp', 'yara', 'ioc', 'urlhaus', 'threatfox', 'malwarebazaar', 'feodo', 'sslbl', 'otx', 'report']);
});

function head(path: string): Buffer {
  const b = Buffer.alloc(64 * 1024);
  const fd = openSync(path, 'r');
  const n = readSync(fd, b, 0, b.length, 0);
  closeSync(fd);
  return b.subarray(0, n);
}

test('real files are detected as their format', { skip: skipUnlessShared('stix') }, () => {
  const cases: [string, IntelFormat][] = [
    ['stix/attack-ics-18.1.stix21.json', 'stix'],
    ['stix/attack-enterprise-nettraveler.stix20.json', 'stix'],
    ['stix/cti-stix2-json-schemas/examples/threat-reports/poisonivy.json', 'stix'],
    ['misp/events/circl-2017-12-21-sednit-update.json', 'misp'],
    ['misp/events/circl-2016-04-18-asert-four-element-sword.json', 'misp'],
    ['iocs/nettraveler/nettraveler-c2-iocs.txt', 'ioc'],
    ['iocs/signature-base/hash-iocs.txt', 'ioc'],
    ['iocs/yara/citizenlab/nettraveler.yara', 'yara'],
    ['iocs/yara/signature-base/apt_apt15.yar', 'yara'],
  ];
  for (const [p, f] of cases) {
    const full = sharedData(p);
    if (full) assert.equal(detectIntelFormat(head(full), full), f, p);
  }
});

test('readIntel dispatches and never throws', () => {
  const items: IntelItem[] = [];
  const diags: Diagnostic[] = [];
  const sink = { item: (i: IntelItem) => items.push(i), campaign: () => {}, diagnostic: (x: Diagnostic) => diags.push(x) };
  readIntel(Buffer.from('evil.example.com\n'), 'a.txt', 'ioc', sink);
  readIntel(Buffer.from('{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = \'10.0.0.1\']"}'), 'a.json', 'stix', sink);
  readIntel(Buffer.from('x'), 'a', 'nope' as IntelFormat, sink);
  assert.deepEqual(items.map((i) => i.value), ['evil.example.com', '10.0.0.1']);
  assert.deepEqual(diags.map((x) => [x.code, x.reason]), [['unknown-format', 'unknown intel format nope']]);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...INTEL_FORMATS.filter((f) => f !== 'yara')), (bytes, f) => {
    readIntel(Buffer.from(bytes), 'fuzz', f, sink);
    detectIntelFormat(Buffer.from(bytes), 'fuzz');
  }), { seed: 77, numRuns: 3000 });
});
