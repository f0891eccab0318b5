import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { sharedData, skipUnlessShared } from '../core/test-data.js';
import { listYaraRules } from '../core/yara-x.js';
import { YaraScanner, type YaraSource } from './yara-scanner.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const NETTRAVELER: YaraSource = { name: 'nettraveler.yara', source: readFileSync(join(HERE, 'testdata', 'nettraveler.yara'), 'utf8') };
const NT_META = { description: 'Nettravelr', author: 'Katie Kleemola', last_updated: '2014-07-08' };

/** Compiles and returns the scanner with its diagnostics rendered. */
function compile(sources: YaraSource[], timeoutSeconds?: number) {
  const diags: Diagnostic[] = [];
  const scanner = YaraScanner.compile(sources, (d) => diags.push(d), timeoutSeconds === undefined ? {} : { timeoutSeconds });
  return { scanner, diags, rendered: () => diags.map((d) => `${d.severity} ${formatDiagnostic(d)}`) };
}

/** A synthetic buffer: filler bytes around `parts` (no real sample). */
function synth(...parts: (string | Buffer)[]): Buffer {
  return Buffer.concat([Buffer.alloc(64, 0xcc), ...parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)), Buffer.alloc(64, 0xcc)]);
}

test('citizenlab NetTraveler rules: public rules match through their private ones', () => {
  const { scanner, rendered } = compile([NETTRAVELER]);
  assert.deepEqual(rendered(), []);
  assert.equal(scanner.ruleCount, 5);
  assert.deepEqual(scanner.scan(synth('GET /?action=getcmd&hostid=42 travlerbackinfo')), [
    { rule: 'NetTraveler', namespace: 'nettraveler.yara', tags: ['Family'], meta: NT_META, strings: [] },
  ]);
  assert.deepEqual(scanner.scan(synth('\x00NetPass Update\x00')).map((m) => [m.rule, m.tags]), [
    ['NetTraveler', ['Family']],
    ['NetPass', ['Variant']],
  ]);
  assert.deepEqual(scanner.scan(synth('nothing to see')), []);
  assert.deepEqual(scanner.scan(Buffer.alloc(0)), []);
});

test('the same rule names in two files compile, each file in its own namespace', { skip: skipUnlessShared('iocs', 'yara', 'yara-rules', 'MALW_NetTraveler.yar') }, () => {
  const gpl = sharedData('iocs', 'yara', 'yara-rules', 'MALW_NetTraveler.yar')!;
  const { scanner, rendered } = compile([NETTRAVELER, { name: 'MALW_NetTraveler.yar', source: readFileSync(gpl, 'utf8') }]);
  assert.deepEqual(rendered(), []);
  assert.equal(scanner.ruleCount, 10);
  const hits = scanner.scan(synth('?UnmapDll@@YAHXZ', '\x00\x00svchost is Running!\x00\x00'));
  assert.deepEqual(hits.map((m) => [m.namespace, m.rule, m.strings]), [
    ['nettraveler.yara', 'NetTraveler', []],
    ['MALW_NetTraveler.yar', 'NetTravStrings', [{ identifier: '$', offsets: [80], count: 1 }]],
    ['MALW_NetTraveler.yar', 'NetTravExports', [{ identifier: '$', offsets: [64], count: 1 }]],
    ['MALW_NetTraveler.yar', 'NetTraveler', []],
  ]);
});

test('signature-base: 18 files compile together (91 rules), warnings reported, a rule matches its strings', { skip: skipUnlessShared('iocs', 'yara', 'signature-base') }, () => {
  const dir = sharedData('iocs', 'yara', 'signature-base')!;
  const sources = readdirSync(dir).filter((f) => f.endsWith('.yar')).sort().map((f) => ({ name: f, source: readFileSync(join(dir, f), 'utf8') }));
  assert.equal(sources.length, 18);
  const { scanner, diags } = compile(sources);
  assert.equal(scanner.ruleCount, 91);
  assert.deepEqual(diags.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(diags.map((d) => d.path), ['apt_ghostdragon_gh0st_rat.yar', 'apt_winnti.yar', 'apt_winnti.yar', 'apt_winnti.yar']);
  const inf = synth('[DefaultInstall]\r\nRegisterDlls=OurDll\r\n[OurDll]\r\n01,,hccutils.dll,2\r\n');
  const hits = scanner.scan(inf);
  assert.deepEqual(hits.map((m) => [m.namespace, m.rule, m.strings.map((s) => [s.identifier, s.offsets])]), [
    ['apt_four_element_sword.yar', 'FourElementSword_Config_File', [['$s0', [113]], ['$s1', [82]], ['$s2', [103]], ['$s3', [64]]]],
  ]);
  assert.equal(hits[0]!.meta['author'], 'Florian Roth (Nextron Systems)');
});

test('a file that does not compile is reported at its line; the others still load', () => {
  const bad = { name: 'bad.yar', source: 'rule ok_in_bad { condition: true }\n\nrule broken {\n  condition: no_such_thing\n}\n' };
  const { scanner, rendered } = compile([bad, NETTRAVELER]);
  assert.deepEqual(rendered(), ['error bad.yar:4: E009: unknown identifier `no_such_thing`']);
  assert.equal(scanner.ruleCount, 5);
  assert.deepEqual(scanner.scan(synth('travlerbackinfo')).map((m) => m.rule), ['NetTraveler']);
});

test('include is refused: rules from intel never make the scanner read files', () => {
  const { scanner, rendered } = compile([{ name: 'inc.yar', source: 'include "/etc/hostname"\nrule r { condition: true }\n' }]);
  assert.deepEqual(rendered(), ['error inc.yar:1: include refused']);
  assert.equal(scanner.ruleCount, 0);
  assert.deepEqual(scanner.scan(Buffer.from('x')), []);
});

test('offsets are capped at 16 per string, the count is kept; meta of every type', () => {
  const src = 'rule many : t1 t2 { meta: n = 7 b = true s = "x" strings: $ab = "AB" $cd = "CD" condition: #ab > 20 and $cd }';
  const { scanner, diags } = compile([{ name: 'many.yar', source: src }]);
  assert.deepEqual(diags, []);
  const hits = scanner.scan(Buffer.from('AB'.repeat(40) + 'CD'));
  assert.deepEqual(hits, [{
    rule: 'many', namespace: 'many.yar', tags: ['t1', 't2'], meta: { n: 7, b: true, s: 'x' },
    strings: [
      { identifier: '$ab', offsets: [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30], count: 40 },
      { identifier: '$cd', offsets: [80], count: 1 },
    ],
  }]);
});

test('a scan over the timeout is a diagnostic and no matches', () => {
  const { scanner, diags } = compile([{ name: 't.yar', source: 'rule t { strings: $a = "AAAA" condition: $a }' }], 0);
  assert.deepEqual(scanner.scan(Buffer.from('AAAA'), 'slow.bin'), []);
  assert.deepEqual(diags.map(formatDiagnostic), ['slow.bin: YARA scan stopped: Scan timed out']);
});

test('no sources, and names repeated: namespaces made unique', () => {
  assert.equal(compile([]).scanner.ruleCount, 0);
  const r = { name: 'r.yar', source: 'rule r { condition: true }' };
  assert.deepEqual(compile([r, r]).scanner.scan(Buffer.from('x')).map((m) => m.namespace), ['r.yar', 'r.yar#2']);
});

test('ruleCount: the one YARA lexer (core/yara-x.ts) counts rules; comments, strings and regular expressions do not count', () => {
  const src = [
    'import "pe"',
    '// rule commented_out { condition: true }',
    '/* rule also_out { condition: true } */',
    'private rule a : tag { strings: $s = "rule in_string {" $r = /rule in_regex/ $h = { 72 75 6C 65 } condition: any of them }',
    'global rule b{condition:filesize > 0}',
    'rule c { condition: filesize > 1 and a }',
  ].join('\n');
  assert.deepEqual(listYaraRules(src).map((r) => r.name), ['a', 'b', 'c']);
  assert.equal(compile([{ name: 'c.yar', source: src }]).scanner.ruleCount, 3);
  // A `/` after an operand divides: no regular expression starts there to hide a rule.
  assert.deepEqual(listYaraRules('rule d { condition: filesize / 2 > 1 }\nrule e { condition: false }').map((r) => r.name), ['d', 'e']);
  assert.equal(listYaraRules('').length, 0);
});

test('include is refused at hunt time as at import: path:line: include refused, the file left out', () => {
  const source = 'include "/etc/passwd"\nrule r { condition: filesize > 0 }\ninclude "/dev/zero"\n';
  const { scanner, rendered } = compile([{ name: 'inc.yar', source }, { name: 'ok.yar', source: 'rule ok { condition: filesize > 0 }' }]);
  assert.deepEqual(rendered(), ['error inc.yar:1: include refused', 'error inc.yar:3: include refused']);
  assert.equal(scanner.ruleCount, 1);
  assert.deepEqual(scanner.scan(Buffer.from('x')).map((m) => m.rule), ['ok']);
});
