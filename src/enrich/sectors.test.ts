import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SECTORS, defaultSectorsFile, loadSectorRules, parseSectorRules, sectorOf } from './sectors.js';
import { parseAsnCsvV4, parseAsnCsvV6 } from './asn-csv.js';

/**
 * Real organisation names, each copied from @ip-location-db/asn's CSVs
 * (`grep -i 'ministry of' asn-ipv4.csv`, …; the first test checks they are
 * there), with the sector the rules must give. Names that must stay
 * `unknown` are at the end.
 */
const REAL: [string, string][] = [
  ['Ministry of Finance of Saudi Arabia', 'government'],
  ['Kuwait Ministry of Finance', 'government'],
  ['Ministry of Health', 'government'],
  ['Ministry of Education', 'government'],
  ['Ministry of Justice Bulgaria', 'government'],
  ['Bundesministerium des Innern', 'government'],
  ['KEMENTERIAN PERTANIAN REPUBLIK INDONESIA', 'government'],
  ['Government of Botswana', 'government'],
  ['Gobierno del Estado de Guanajuato', 'government'],
  ['Iranian Presidential Administration', 'government'],
  ['Royal Thai Police', 'government'],
  ['City of Helsinki', 'government'],
  ['Prefeitura de Cuiaba', 'government'],
  ['Department of the Prime Minister and Cabinet', 'government'],
  ['LA DIRECTION INTERMINISTERIELLE DU NUMERIQUE', 'government'],
  ['U.S. Department of Energy', 'government'],
  ['Osceola County', 'government'],
  ['Ministry of Foreign Affairs of Vietnam - MOFA', 'diplomatic'],
  ['MINISTERE DE L\'EUROPE ET DES AFFAIRES ETRANGERES', 'diplomatic'],
  ['Ministerstvo zahranicnich veci Ceske Republiky', 'diplomatic'],
  ['Embassy of Hungary', 'diplomatic'],
  ['US Embassy, Ghana', 'diplomatic'],
  ['CPV Division , Ministry of External Affairs', 'diplomatic'],
  ['Secretaria de Relaciones Exteriores', 'diplomatic'],
  ['Bundesministerium fuer europaeische und internationale Angelegenheiten', 'diplomatic'],
  ['United Nations Office at Vienna', 'diplomatic'],
  ['Organization for Security and Co-operation in Europe', 'diplomatic'],
  ['UK Ministry of Defence', 'military'],
  ['Ministry of Defense of Ukraine', 'military'],
  ['MINISTRY OF DEFENCE OF MONTENEGRO (MINISTARSTVO ODBRANE CRNE GORE)', 'military'],
  ['Ministerstvo Obrany', 'military'],
  ['Swiss Armed Forces - AFCSO', 'military'],
  ['Bangladesh Army', 'military'],
  ['Navy Network Information Center (NNIC)', 'military'],
  ['DoD Network Information Center', 'military'],
  ['Headquarters of National Armed Forces Republic of Latvia', 'military'],
  ['National Defense University', 'military'],
  ['86th Command - Ministry of National Defence', 'military'],
  ['Bank of Russia', 'finance'],
  ['NATIONAL BANK OF GREECE S.A.', 'finance'],
  ['Deutsche Bank AG', 'finance'],
  ['Navy Federal Credit Union', 'finance'],
  ['The State Bank for Foreign Affairs of Turkmenistan', 'finance'],
  ['Gazprombank (JSC)', 'finance'],
  ['Credit Suisse Group', 'finance'],
  ['The Johannesburg Stock Exchange (JSE Limited)', 'finance'],
  ['Texas Life Insurance Company', 'finance'],
  ['Tomsk State University', 'education'],
  ['University of Warsaw', 'education'],
  ['Politechnika Warszawska', 'education'],
  ['China Education and Research Network (CERNET)', 'education'],
  ['Australian Academic and Research Network', 'education'],
  ['Fairfax County Public Schools', 'education'],
  ['Akademia Humanistyczno-Ekonomiczna w Lodzi', 'education'],
  ['Austrian Academy of Sciences', 'research'],
  ['Ioffe Physical-Technical Institute of the Russian Academy of Sciences', 'research'],
  ['Korea Atomic Energy Research Institute', 'research'],
  ['Lawrence Livermore National Laboratory', 'research'],
  ['Max-Planck-Gesellschaft zur Forderung der Wissenschaften e.V.', 'research'],
  ['Joint Institute for Nuclear Research', 'research'],
  ['National Iranian Oil Company PJSC', 'energy'],
  ['Electricity Generating Authority of Thailand', 'energy'],
  ['Petro Viet Nam Oil Corporation', 'energy'],
  ['Xcel Energy Inc.', 'energy'],
  ['Wolf Creek Nuclear Operating Corporation', 'energy'],
  ['Stadtwerke Rostock AG', 'energy'],
  ['PJSC Rostelecom', 'telecom'],
  ['China Mobile Communications Corporation', 'telecom'],
  ['China Telecom', 'telecom'],
  ['Chinanet', 'telecom'],
  ['Vodafone GmbH', 'telecom'],
  ['Hurricane Electric LLC', 'telecom'],
  ['Mobile TeleSystems JLLC', 'telecom'],
  ['TELEKOM SRBIJA a.d.', 'telecom'],
  ['Vietnam Posts and Telecommunications (VNPT)', 'telecom'],
  ['Internet Initiative Japan Inc.', 'telecom'],
  ['ARTERIA Networks Corporation', 'telecom'],
  ['Comcast Cable Communications, LLC', 'telecom'],
  ['Stealth Communications Services, LLC', 'telecom'],
  ['DIPLOMAT COMMUNICATIONS (PTY) LTD - DIPLOMAT COMMUNICATIONS (PTY) LTD', 'telecom'],
  ['Cloudflare, Inc.', 'it'],
  ['Amazon.com, Inc.', 'it'],
  ['Hetzner Online GmbH', 'it'],
  ['DMIT Cloud Services', 'it'],
  ['Akamai Technologies, Inc.', 'it'],
  ['WHG Hosting Services Ltd', 'it'],
  ['CLOUDMINISTER TECHNOLOGIES PRIVATE LIMITED', 'it'],
  ['Texas Children\'s Hospital', 'health'],
  ['Cleveland Clinic Foundation', 'health'],
  ['Stiftung Kantonsspital Graubuenden', 'health'],
  ['Teva Pharmaceuticals USA, INC', 'health'],
  ['NATIONAL HEALTH SERVICE', 'health'],
  ['OhioHealth Corporation', 'health'],
  ['Robert Wood Johnson University Hospital', 'health'],
  ['Diplomat Pharmacy, Inc', 'health'],
  ['Ukrainian National News Agency UKRINFORM', 'media'],
  ['AGENCE FRANCE PRESSE', 'media'],
  ['Munhwa Broadcasting Corporation', 'media'],
  ['Radio Free Asia', 'media'],
  ['Frankfurter Allgemeine Zeitung GmbH', 'media'],
  ['Polska Agencja Prasowa SA', 'media'],
  ['HUMAN RIGHTS WATCH', 'ngo'],
  ['The Salvation Army', 'ngo'],
  ['American Red Cross', 'ngo'],
  ['Wikimedia Foundation Inc.', 'ngo'],
  ['The Rockefeller Foundation', 'ngo'],
  ['Ford Motor Company', 'industry'],
  ['Eastman Chemical Company', 'industry'],
  ['Mitsubishi Electric US, Inc.', 'industry'],
  ['1-800-Flowers.com, Inc.', 'unknown'],
  ['Best Buy Co., Inc.', 'unknown'],
  ['EL AL ISRAEL AIRLINES Ltd', 'unknown'],
  ['Staples, Inc', 'unknown'],
  ['Hidden Villa Ranch', 'unknown'],
  ['Associated Food Stores, Inc.', 'unknown'],
  ['AGK Consulting, Inc.', 'unknown'],
  ['Sven Wefels', 'unknown'],
  ['Focus on the Family', 'unknown'],
];

test('the real names are organisations in the shipped ASN data', () => {
  const dir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));
  const names = new Set([
    ...parseAsnCsvV4(readFileSync(join(dir, 'asn-ipv4-num.csv'))).names,
    ...parseAsnCsvV6(readFileSync(join(dir, 'asn-ipv6.csv'))).names,
  ]);
  const missing = REAL.map(([n]) => n).filter((n) => !names.has(n));
  assert.deepEqual(missing, []);
  assert.ok(REAL.length >= 100);
});

test('shipped rules on real organisation names: exact sectors', () => {
  const rules = loadSectorRules();
  const wrong = REAL.map(([n, want]) => [n, want, sectorOf(n, rules)]).filter(([, want, got]) => want !== got);
  assert.deepEqual(wrong, []);
  // Every sector is given by some real name here.
  assert.deepEqual([...new Set(REAL.map(([, s]) => s))].sort(), [...SECTORS, 'unknown'].sort());
});

test('precedence: the institution type wins over the words of its portfolio', () => {
  const rules = loadSectorRules();
  const cases: [string, string][] = [
    ['Ministry of Foreign Affairs', 'diplomatic'],
    ['Ministry of Finance', 'government'],
    ['Ministry of Defence', 'military'],
    ['Ministry of Health', 'government'],
    ['Bank of Mongolia', 'finance'],
    ['Embassy Bank for the Lehigh Valley', 'finance'],
    ['Mongolian State University', 'education'],
    ['Mongolian Academy of Sciences', 'research'],
    ['University Hospital Zurich', 'health'],
    ['Medical University of Vienna', 'education'],
    ['Mongolia Telecom', 'telecom'],
    ['Unitel Mobile', 'telecom'],
    ['Kazakh Communications LLP', 'telecom'],
    ['Bishkek Hosting LLC', 'it'],
    ['Steppe Technologies LLC', 'it'],
    ['Gobi Networks LLC', 'telecom'],
    ['Ministère des Affaires étrangères', 'diplomatic'],
    ['Université de Genève', 'education'],
    ['Tibetan Youth Congress', 'ngo'],
    ['World Uyghur Congress', 'ngo'],
    ['National Iranian Gas Company', 'energy'],
    ['Xinhua News Agency', 'media'],
    ['', 'unknown'],
  ];
  for (const [n, want] of cases) assert.equal(sectorOf(n, rules), want, n);
});

test('every shipped rule gives one of the documented sectors and compiles case-insensitively', () => {
  const rules = loadSectorRules();
  for (const r of rules.rules) {
    assert.ok((SECTORS as readonly string[]).includes(r.sector), r.from);
    assert.equal(r.re.flags, 'i');
    assert.ok(r.note, `${r.from}: every shipped rule says why it is there`);
    assert.ok(r.from.startsWith(`${defaultSectorsFile()}: rules[`));
  }
});

test('a user file: its rules come first, may name new sectors or force unknown', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-sectors-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const p = join(dir, 'mine.json');
  writeFileSync(p, JSON.stringify({ rules: [
    { sector: 'diplomatic', pattern: '^Mongolia Telecom$', note: 'our embassy uplink' },
    { sector: 'transport', pattern: '\\bairlines?\\b' },
    { sector: 'unknown', pattern: '^Cloudflare' },
  ] }));
  const rules = loadSectorRules(p);
  assert.equal(sectorOf('Mongolia Telecom', rules), 'diplomatic');
  assert.equal(sectorOf('Mongolia Telecom Ltd', rules), 'telecom');
  assert.equal(sectorOf('EL AL ISRAEL AIRLINES Ltd', rules), 'transport');
  assert.equal(sectorOf('Cloudflare, Inc.', rules), 'unknown');
  assert.equal(sectorOf('Bank of Russia', rules), 'finance');
  assert.equal(rules.rules[0]!.from, `${p}: rules[0]`);
  assert.equal(rules.rules[0]!.note, 'our embassy uplink');
  assert.equal(rules.rules[1]!.note, null);
});

test('bad rule files: path: where: reason', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-sectors-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p; };
  const missing = join(dir, 'missing.json');
  assert.throws(() => loadSectorRules(missing), { message: `${missing}: cannot read (ENOENT)` });
  const notJson = file('a.json', '{rules:');
  assert.throws(() => loadSectorRules(notJson), (e: Error) => e.message.startsWith(`${notJson}: not JSON (`));
  const cases: [unknown, string][] = [
    [[], 'top level: expected an object with a "rules" array'],
    [{}, 'rules: expected an array'],
    [{ rules: {} }, 'rules: expected an array'],
    [{ rules: [7] }, 'rules[0]: expected an object with "sector" and "pattern"'],
    [{ rules: [{ sector: 'it', pattern: 'x', weight: 2 }] }, 'rules[0]: unknown key "weight" (keys: sector, pattern, note)'],
    [{ rules: [{ sector: 'IT', pattern: 'x' }] }, 'rules[0].sector: expected a lower-case name (letters, digits, "-", "_"; at most 40)'],
    [{ rules: [{ pattern: 'x' }] }, 'rules[0].sector: expected a lower-case name (letters, digits, "-", "_"; at most 40)'],
    [{ rules: [{ sector: 'it', pattern: 'ok' }, { sector: 'it', pattern: '' }] }, 'rules[1].pattern: expected a non-empty string'],
    [{ rules: [{ sector: 'it', pattern: 'x', note: 3 }] }, 'rules[0].note: expected a string'],
    [{ rules: [{ sector: 'it', pattern: 'x'.repeat(5000) }] }, 'rules[0].pattern: longer than 4096 characters'],
  ];
  for (const [json, reason] of cases) {
    const p = file('bad.json', JSON.stringify(json));
    assert.throws(() => loadSectorRules(p), { message: `${p}: ${reason}` });
  }
  const badRe = file('re.json', JSON.stringify({ rules: [{ sector: 'it', pattern: '(unclosed' }] }));
  assert.throws(() => loadSectorRules(badRe), (e: Error) => e.message.startsWith(`${badRe}: rules[0].pattern: invalid regular expression (`));
  assert.throws(() => parseSectorRules({ rules: [{ sector: 'it', pattern: '[' }] }, 'x.json'), /^Error: x\.json: rules\[0\]\.pattern: invalid regular expression/);
});

test('answers are remembered per rule set and stay the same', () => {
  const rules = loadSectorRules();
  for (let i = 0; i < 3; i++) assert.equal(sectorOf('Ministry of Foreign Affairs', rules), 'diplomatic');
  assert.equal(sectorOf('x'.repeat(10_000) + ' University', rules), 'unknown', 'names are cut at 512 characters');
});
