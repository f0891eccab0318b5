import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { IntelItem } from '../../core/model.js';
import { formatDiagnostic, type Diagnostic } from '../../core/diagnostic.js';
import { sharedData, skipUnlessShared } from '../../core/test-data.js';
import { yaraRuleName } from '../../core/yara-x.js';
import { readYaraRules } from './yara-reader.js';
import { compileYara, lineOf } from './yara-compiler.js';
import { listYaraRules } from './rule-lexer.js';

function collect(text: string | Buffer, path = 'r.yar'): { items: IntelItem[]; diagnostics: Diagnostic[] } {
  const out = { items: [] as IntelItem[], diagnostics: [] as Diagnostic[] };
  readYaraRules(typeof text === 'string' ? Buffer.from(text) : text, path, {
    item: (i) => out.items.push(i), campaign: () => assert.fail('no campaigns from YARA'), diagnostic: (d) => out.diagnostics.push(d),
  });
  return out;
}

const RULES = `import "pe"
/* rule Commented { condition: false } */
// rule AlsoCommented { condition: false }
private rule Helper : Tag1 Tag2 {
  strings:
    $s = "rule NotARule { }"
    $h = { 4D 5A [2-4] ( 90 | 91 ) }
    $r = /rule\\s+X\\{/ nocase
  condition:
    any of them
}

global private rule G { condition: filesize < 10MB }

rule Public_1 {
  meta:
    author = "someone"
    description = "Finds \\"things\\""
  condition:
    Helper and pe.number_of_sections > 0
}
rule Public_2 { meta: x = 1 condition: Public_1 or uint16(0) == 0x5A4D }
`;

test('lexer: rule names, private/global, lines, meta description; comments and strings ignored', () => {
  assert.deepEqual(listYaraRules(RULES), [
    { name: 'Helper', isPrivate: true, isGlobal: false, line: 4 },
    { name: 'G', isPrivate: true, isGlobal: true, line: 13 },
    { name: 'Public_1', isPrivate: false, isGlobal: false, line: 15, description: 'Finds "things"' },
    { name: 'Public_2', isPrivate: false, isGlobal: false, line: 22 },
  ]);
});

test('reader: public rules become yara items carrying the whole source', () => {
  const c = collect(RULES);
  assert.deepEqual(c.items, [
    { type: 'yara', value: 'r.yar:Public_1', campaigns: [], ruleSource: RULES, line: 15, description: 'Finds "things"' },
    { type: 'yara', value: 'r.yar:Public_2', campaigns: [], ruleSource: RULES, line: 22 },
  ]);
  assert.deepEqual(c.diagnostics, []);
});

test('a rule file that does not compile: one diagnostic at its line, no items', () => {
  const c = collect('rule Fine { condition: true }\n\nrule Broken {\n  strings: $a = "x"\n  condition: $b\n}\n', 'broken.yar');
  assert.deepEqual(c.items, []);
  assert.deepEqual(c.diagnostics.map(formatDiagnostic), ['broken.yar:5: error[E025]: unknown pattern `$b`: this pattern is not declared in the `strings` section']);
  assert.equal(c.diagnostics[0]?.code, 'compile-error');
  const syntax = collect('rule A {\n condition: tru\n', 'syntax.yar');
  assert.deepEqual(syntax.diagnostics.map(formatDiagnostic), ['syntax.yar:3: error[E001]: syntax error: expecting `(`, `[`, expression, `%`, operator, `of` or `}`, found end of file']);
  assert.deepEqual(collect(Buffer.from([0x72, 0x00, 0x01])).diagnostics.map(formatDiagnostic), ['r.yar: not a YARA rule file: it holds NUL bytes']);
});

test('compiler wrapper', () => {
  assert.deepEqual(compileYara('rule a { condition: true }'), { ok: true, rules: { warnings: ['warning[invariant_expr]: invariant boolean expression'] } });
  assert.deepEqual(compileYara('rule a { condition: filesize > 10 }'), { ok: true, rules: { warnings: [] } });
  const bad = compileYara('rule dup { condition: filesize > 1 }\nrule dup { condition: filesize > 2 }');
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.line, 2);
  assert.equal(lineOf('error\n --> line:12:7\n'), 12);
  assert.equal(lineOf('no location'), null);
});

function yaraFiles(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...yaraFiles(p));
    else if (/\.yara?$/.test(n)) out.push(p);
  }
  return out;
}

test('real: every shared YARA file compiles; rule counts', { skip: skipUnlessShared('iocs/yara') }, () => {
  const files = yaraFiles(sharedData('iocs/yara')!);
  assert.equal(files.length, 25);
  let total = 0;
  for (const f of files) {
    const c = collect(readFileSync(f), f);
    assert.deepEqual(c.diagnostics, [], f);
    total += c.items.length;
  }
  // 104 lines start with `rule`, but apt_apt15.yar's malware_apt15_bs2005 sits inside a /* … */ comment.
  assert.equal(total, 103);
  const apt15 = collect(readFileSync(sharedData('iocs/yara/signature-base/apt_apt15.yar')!));
  assert.equal(apt15.items.length, 11);
  assert.ok(!apt15.items.some((i) => i.value === 'r.yar:malware_apt15_bs2005'));
  const nt = collect(readFileSync(sharedData('iocs/yara/citizenlab/nettraveler.yara')!));
  // Keyed by file and rule: the same rule name in another file is another indicator.
  assert.deepEqual(nt.items.map((i) => [i.value, i.line]), [['r.yar:NetTraveler', 70], ['r.yar:NetPass', 81]]);
  const nt2 = collect(readFileSync(sharedData('iocs/yara/yara-rules/MALW_NetTraveler.yar')!));
  assert.deepEqual(nt2.items.map((i) => yaraRuleName(i.value)), ['NetpassStrings', 'NetPass', 'NetTravStrings', 'NetTravExports', 'NetTraveler']);
});

test('fuzz: the lexer never throws and finds only identifiers', { skip: skipUnlessShared('iocs/yara/citizenlab/plugx.yara') }, () => {
  const base = readFileSync(sharedData('iocs/yara/citizenlab/plugx.yara')!, 'utf8');
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 3 }), fc.nat(4)), { maxLength: 10 }), (edits) => {
    let s = base;
    for (const [at, ins, del] of edits) { const i = at % (s.length + 1); s = s.slice(0, i) + ins + s.slice(i + del); }
    for (const r of listYaraRules(s)) assert.match(r.name, /^[A-Za-z_][A-Za-z0-9_]*$/);
  }), { seed: 3, numRuns: 3000 });
});

test('fuzz: mutated rule files never make the reader throw', { skip: skipUnlessShared('iocs/yara/citizenlab/plugx.yara') }, () => {
  const base = readFileSync(sharedData('iocs/yara/citizenlab/naikon.yara')!);
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (edits) => {
    const b = Buffer.from(base);
    for (const [at, v] of edits) b[at % b.length] = v;
    const c = collect(b);
    assert.ok(c.items.length === 0 || c.diagnostics.length === 0);
  }), { seed: 11, numRuns: 150 });
});

test('reader: include statements are refused, never read (one diagnostic each, path:line), and the file imports nothing', () => {
  // /dev/zero would grow the process without end, /etc/passwd would be read: neither is opened.
  const source = 'include "/etc/passwd"\nrule R { condition: filesize > 0 }\ninclude "/dev/zero"\n';
  const c = collect(source, 'inc.yar');
  assert.deepEqual(c.items, []);
  assert.deepEqual(c.diagnostics.map((d) => `${d.code} ${d.severity} ${formatDiagnostic(d)}`), [
    'compile-error error inc.yar:1: include refused', 'compile-error error inc.yar:3: include refused',
  ]);
  assert.deepEqual(compileYara(source), {
    ok: false, line: 1, includes: [1, 3], message: 'error[E044]: include statements not allowed: includes are disabled for this compilation',
  });
});
