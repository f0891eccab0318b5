import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDiagnostic } from '../core/diagnostic.js';
import { AssetDirectory, MAX_ASSET_FIELD_CHARS, parseAssetCsv, readAssetAddress, type Asset } from './assets.js';
import { isCountryCode } from './countries.js';

const SEED = 20260601;
const RUNS = 300;

const render = (text: string) => {
  const r = parseAssetCsv(text, 'assets.csv');
  return { assets: r.assets, diagnostics: r.diagnostics.map(formatDiagnostic), severities: r.diagnostics.map((d) => `${d.code}/${d.severity}`) };
};

test('a directory: IPs, CIDRs, host names; columns by name; quoting; BOM; CRLF; blank lines', () => {
  const text = '\ufeffCountry,Address,Sector,Organisation,notes\r\n' +
    'mn,202.131.0.1,Diplomatic ,"Embassy of Mongolia, Moscow","x"\r\n' +
    '\r\n' +
    ',10.20.0.0/16,, ,\r\n' +
    'KZ,2001:DB8:0:0::1,government,"Ministry ""A""",\r\n' +
    'kg,MAIL.Example.ORG.,,Mail,\r\n' +
    ',10.20.30.0/24,ngo,"Line one\nline two",\r\n' +
    ',::ffff:192.0.2.7,,,\r\n' +
    ',10.1.2.3/32,,single,\r\n' +
    'tj,ws-042,it,,extra,columns,ignored';
  const r = render(text);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.assets, [
    { address: '202.131.0.1', kind: 'ip', organisation: 'Embassy of Mongolia, Moscow', sector: 'diplomatic', country: 'MN' },
    { address: '10.20.0.0/16', kind: 'cidr', organisation: null, sector: null, country: null },
    { address: '2001:db8::1', kind: 'ip', organisation: 'Ministry "A"', sector: 'government', country: 'KZ' },
    { address: 'mail.example.org', kind: 'host', organisation: 'Mail', sector: null, country: 'KG' },
    { address: '10.20.30.0/24', kind: 'cidr', organisation: 'Line one\nline two', sector: 'ngo', country: null },
    { address: '::ffff:192.0.2.7', kind: 'ip', organisation: null, sector: null, country: null },
    { address: '10.1.2.3', kind: 'ip', organisation: 'single', sector: null, country: null },
    { address: 'ws-042', kind: 'host', organisation: null, sector: 'it', country: 'TJ' },
  ]);
});

test('bad rows are path:line: reason, the others kept; lines count quoted line breaks', () => {
  const text = [
    'address,organisation,sector,country',
    '10.0.0.1,ok,,',
    '10.0.0.256,bad ip,,',
    '10.0.0.0/33,bad cidr,,',
    ',no address,,',
    '"multi\nline",broken name,,',
    '10.0.0.2,bad country,,UK',
    '10.0.0.3,bad country,,Mongolia',
    '10.0.0.4,not a country,,EU',
    'bad_name!,x,,',
    '1.2.3,numeric name,,',
    '10.0.0.1,ok,,',
    '10.0.0.1,other org,,',
    `10.0.0.5,${'o'.repeat(MAX_ASSET_FIELD_CHARS + 1)},,`,
    '10.0.0.6,"unterminated,,',
    '10.0.0.7,swallowed,,',
  ].join('\n');
  const r = render(text);
  assert.deepEqual(r.assets.map((a) => a.address), ['10.0.0.1']);
  assert.deepEqual(r.diagnostics, [
    'assets.csv:3: 10.0.0.256 is not an IP address, CIDR or host name',
    'assets.csv:4: 10.0.0.0/33 is not a CIDR',
    'assets.csv:5: no address',
    'assets.csv:6: multi\\x0aline is not an IP address, CIDR or host name',
    'assets.csv:8: country UK is not an ISO 3166-1 alpha-2 code (GB is)',
    'assets.csv:9: country Mongolia is not an ISO 3166-1 alpha-2 code',
    'assets.csv:10: country EU is not an ISO 3166-1 alpha-2 code',
    'assets.csv:11: bad_name! is not an IP address, CIDR or host name',
    'assets.csv:12: 1.2.3 is not an IP address, CIDR or host name',
    'assets.csv:13: 10.0.0.1 repeats line 2',
    'assets.csv:14: 10.0.0.1 was given other details at line 2, which are kept',
    'assets.csv:15: organisation longer than 1024 characters',
    'assets.csv:16: unterminated quote (lines 16–17 not read)',
  ]);
  assert.deepEqual(r.severities.slice(9, 13), ['duplicate/warning', 'bad-record/error', 'too-large/error', 'bad-record/error']);
});

test('headers: required, by name; a file without one is one diagnostic', () => {
  assert.deepEqual(render('202.131.0.1,Embassy,diplomatic,MN\n10.0.0.1,x,,\n').diagnostics,
    ['assets.csv:1: no header: the first line must name the columns (address,organisation,sector,country)']);
  assert.deepEqual(render('').diagnostics, ['assets.csv:1: empty: no header naming the columns (address,organisation,sector,country)']);
  assert.deepEqual(render('\ufeff\n\n').diagnostics.length, 1);
  // Only an address column: the rest are null. `organization` is the same column. A repeated column: the first is read.
  assert.deepEqual(render('ADDRESS\n8.8.8.8\n').assets, [{ address: '8.8.8.8', kind: 'ip', organisation: null, sector: null, country: null }]);
  assert.deepEqual(render('organization,address,address\nACME,1.1.1.1,2.2.2.2\n').assets,
    [{ address: '1.1.1.1', kind: 'ip', organisation: 'ACME', sector: null, country: null }]);
  // A short row: the missing columns are empty.
  assert.deepEqual(render('address,organisation,sector,country\n1.1.1.1,ACME\n').assets,
    [{ address: '1.1.1.1', kind: 'ip', organisation: 'ACME', sector: null, country: null }]);
});

test('readAssetAddress: canonical forms', () => {
  assert.deepEqual(readAssetAddress(' 10.1.2.3/24 '), { kind: 'cidr', address: '10.1.2.0/24' });
  assert.deepEqual(readAssetAddress('2001:DB8::/32'), { kind: 'cidr', address: '2001:db8::/32' });
  assert.deepEqual(readAssetAddress('2001:db8::1/128'), { kind: 'ip', address: '2001:db8::1' });
  assert.deepEqual(readAssetAddress('Bücher.Example.'), { kind: 'host', address: 'xn--bcher-kva.example' });
  assert.deepEqual(readAssetAddress('[2001:db8::1]'), { kind: 'ip', address: '2001:db8::1' });
  for (const bad of ['', ' ', '1.2.3.4.5', '::g', '10.0.0.01', 'a..b', '-a.b', 'host name', '1.2.3.4/', '/24']) {
    assert.ok('error' in readAssetAddress(bad), bad);
  }
});

const asset = (address: string, kind: Asset['kind'], organisation: string): Asset => ({ address, kind, organisation, sector: null, country: null });

test('AssetDirectory: exact address, then the longest CIDR, then host name', () => {
  const dir = new AssetDirectory([
    asset('10.0.0.0/8', 'cidr', 'corp'),
    asset('10.20.0.0/16', 'cidr', 'embassy'),
    asset('10.20.30.0/24', 'cidr', 'consulate'),
    asset('10.20.30.40', 'ip', 'the ambassador'),
    asset('10.20.0.0/16', 'cidr', 'a later duplicate'),
    asset('2001:db8::/32', 'cidr', 'v6 corp'),
    asset('2001:db8:1::/48', 'cidr', 'v6 site'),
    asset('2001:db8:1::7', 'ip', 'v6 host'),
    asset('::ffff:192.0.2.7', 'ip', 'mapped'),
    asset('::ffff:198.51.100.0/120', 'cidr', 'mapped net'),
    asset('mail.example.org', 'host', 'mail'),
    asset('ws-042', 'host', 'workstation'),
    asset('mail.example.org', 'host', 'second mail'),
  ]);
  const org = (h: string) => dir.lookup(h)?.organisation ?? null;
  assert.equal(org('10.20.30.40'), 'the ambassador');
  assert.equal(org('10.20.30.41'), 'consulate');
  assert.equal(org('10.20.31.1'), 'embassy');
  assert.equal(org('10.255.255.255'), 'corp');
  assert.equal(org('10.0.0.0'), 'corp');
  assert.equal(org('11.0.0.0'), null);
  assert.equal(org('::ffff:10.20.30.40'), 'the ambassador');
  assert.equal(org('::ffff:10.20.30.41'), 'consulate');
  assert.equal(org('192.0.2.7'), 'mapped');
  assert.equal(org('::ffff:192.0.2.7'), 'mapped');
  assert.equal(org('198.51.100.9'), 'mapped net');
  assert.equal(org('2001:db8:1::7'), 'v6 host');
  assert.equal(org('2001:0db8:0001:0000::7'), 'v6 host');
  assert.equal(org('2001:db8:1::8'), 'v6 site');
  assert.equal(org('2001:db8:2::1'), 'v6 corp');
  assert.equal(org('2001:db9::1'), null);
  assert.equal(org('MAIL.EXAMPLE.ORG.'), 'mail');
  assert.equal(org('Mail.Example.Org'), 'mail');
  assert.equal(org('WS-042'), 'workstation');
  assert.equal(org('example.org'), null);
  assert.equal(org('x.mail.example.org'), null, 'no subdomains: a host name is one host');
  assert.equal(org('10.20.30.40.example'), null);
  assert.equal(org(''), null);
  assert.equal(dir.lookupHost('ws-042.'), dir.lookup('ws-042'));
  assert.equal(dir.lookupHost('10.20.30.40'), null, 'lookupHost reads names only');
  assert.throws(() => new AssetDirectory([asset('10.0.0.0/8', 'ip', 'x')]), TypeError);
  assert.throws(() => new AssetDirectory([asset('not an address', 'cidr', 'x')]), TypeError);
  assert.throws(() => new AssetDirectory([asset('bad name!', 'host', 'x')]), TypeError);
});

test('AssetDirectory from parseAssetCsv output', () => {
  const { assets } = parseAssetCsv('address,organisation,sector,country\n202.131.0.0/24,Embassy,diplomatic,MN\nmx.embassy.example,Embassy mail,,MN\n', 'a.csv');
  const dir = new AssetDirectory(assets);
  assert.equal(dir.lookup('202.131.0.77')?.sector, 'diplomatic');
  assert.equal(dir.lookup('MX.Embassy.Example')?.organisation, 'Embassy mail');
});

// A field that needs quoting is quoted; some others are, too.
function csvField(v: string, quote: boolean): string {
  return quote || /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

test('fuzz: parseAssetCsv never throws, keeps every good row and reports every bad one at its line', () => {
  const goodAddress = fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `${a}.${b}.0.1`),
    fc.constantFrom('2001:db8::/32', 'host.example', 'WS-1', '10.0.0.0/8', '::ffff:1.2.3.4'),
  );
  const badAddress = fc.constantFrom('', '1.2.3.4.5', '10.0.0.0/99', 'bad name', '::g', '999.1.1.1', '1.2.3');
  const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('a,b', 'say "hi"', 'two\nlines', ' x ', 'Ünïcode'));
  const country = fc.constantFrom('', 'MN', 'kz', ' kg ', 'UK', 'ZZ', 'Mongolia', 'XK');
  const row = fc.record({ address: fc.oneof(goodAddress, badAddress), organisation: text, sector: text, country, q: fc.boolean() });
  fc.assert(fc.property(fc.array(row, { maxLength: 25 }), fc.boolean(), fc.boolean(), fc.array(fc.nat(30), { maxLength: 3 }), (rows, bom, crlf, blanks) => {
    const nl = crlf ? '\r\n' : '\n';
    const lines: string[] = ['address,organisation,sector,country'];
    const rowLine: number[] = [];
    let line = 2;
    rows.forEach((r, i) => {
      if (blanks.includes(i)) { lines.push(''); line++; }
      rowLine.push(line);
      const rec = [r.address, r.organisation, r.sector, r.country].map((v) => csvField(v, r.q)).join(',');
      lines.push(rec);
      line += (rec.match(/\n/g) ?? []).length + 1;
    });
    const csv = (bom ? '\ufeff' : '') + lines.join(nl) + (rows.length % 2 === 0 ? nl : '');
    const { assets, diagnostics } = parseAssetCsv(csv, 'f.csv');
    // Which rows should be good: a readable address, a country that is empty or a code; and not a repeat.
    const keys = new Set<string>();
    const expectedGood: number[] = [];
    const expectedBad: number[] = [];
    rows.forEach((r, i) => {
      const a = readAssetAddress(r.address);
      const c = r.country.trim().toUpperCase();
      if ('error' in a || (c !== '' && !isCountryCode(c))) { expectedBad.push(rowLine[i]!); return; }
      const key = a.address === '::ffff:1.2.3.4' ? 'ip:1.2.3.4' : `${a.kind}:${a.address}`;
      if (keys.has(key)) { expectedBad.push(rowLine[i]!); return; }
      keys.add(key);
      expectedGood.push(rowLine[i]!);
    });
    assert.equal(assets.length, expectedGood.length);
    assert.deepEqual(diagnostics.map((d) => d.line), expectedBad);
    for (const d of diagnostics) assert.equal(d.path, 'f.csv');
  }), { seed: SEED, numRuns: RUNS });
});

test('fuzz: arbitrary text after a header never throws; each diagnostic points at a line of the input', () => {
  const chunk = fc.oneof(fc.string({ maxLength: 20, unit: 'binary' }), fc.constantFrom('"', '""', ',', '\n', '\r\n', '\ufeff', '1.2.3.4', '10.0.0.0/8', 'MN', '\x00'));
  fc.assert(fc.property(fc.array(chunk, { maxLength: 40 }), fc.boolean(), (chunks, header) => {
    const body = chunks.join('');
    const csv = (header ? 'address,organisation,sector,country\n' : '') + body;
    const { assets, diagnostics } = parseAssetCsv(csv, 'x.csv');
    const lineCount = csv.split('\n').length;
    for (const d of diagnostics) assert.ok(d.line !== undefined && d.line >= 1 && d.line <= lineCount, formatDiagnostic(d));
    assert.ok(assets.length + diagnostics.length <= lineCount);
    for (const a of assets) assert.ok(!('error' in readAssetAddress(a.address)));
  }), { seed: SEED, numRuns: 1000 });
});
