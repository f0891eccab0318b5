import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Observation } from '../core/model.js';
import { diag, type Diagnostic } from '../core/diagnostic.js';
import { createLineReader } from '../evidence/index.js';
import { IndicatorIndex } from '../matching/index.js';
import { LineSplitter } from './line-splitter.js';
import { huntRange, LineHunter } from './log-range.js';
import { RecordMatcher, type RawSighting } from './match.js';

const HEADER = [
  '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tdns',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tquery\tanswers',
  '#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tvector[string]',
].join('\n');

test('huntRange on dns.log: the reader filtered by the index finds every sighting, in case, IDN, escape, IPv6 and CNAME forms', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-range-'));
  try {
    const path = join(dir, 'dns.log');
    const log = `${HEADER}
1.5\tC1\t10.0.0.1\t5353\t10.0.0.53\t53\tWWW.Evil.NET.\t192.0.2.7,cdn.evil.net
1.6\tC2\t10.0.0.2\t5353\t10.0.0.53\t53\tquiet.example.org\t198.51.100.1,203.0.113.9
1.7\tC3\t10.0.0.3\t5353\t10.0.0.53\t53\tmail.bücher.example\t::ffff:192.0.2.7,2001:db8::1
1.8\tC4\t10.0.0.4\t5353\t10.0.0.53\t53\tx\\x2eevil.net\t-
1.9\tC5\t10.0.0.5\t5353\t10.0.0.53\t53\tnotevil.net\tcname.quiet.org,10.0.0.1
`;
    writeFileSync(path, log);
    const index = IndicatorIndex.build([
      { id: 1, type: 'domain', value: 'evil.net' }, { id: 2, type: 'ipv4', value: '192.0.2.7' },
      { id: 3, type: 'domain', value: 'xn--bcher-kva.example' }, { id: 4, type: 'cidr', value: '2001:db8::/32' },
      { id: 5, type: 'domain', value: 'quiet.org' },
    ]);
    const r = huntRange({
      path, displayPath: 'dns.log', family: 'zeek', start: 0, end: Buffer.byteLength(log), referenceMs: 0, state: null, hasState: false, hostIdParams: ['hostid'],
    }, index);
    const at = (line: number, ts: number, src: string) => ({ ts, src, dst: '10.0.0.53', line });
    assert.deepEqual(r.sightings, [
      { indicatorId: 1, matched: 'www.evil.net', field: 'dns.query', ...at(8, 1500, '10.0.0.1') },
      { indicatorId: 2, matched: '192.0.2.7', field: 'dns.answer', ...at(8, 1500, '10.0.0.1') },
      { indicatorId: 1, matched: 'cdn.evil.net', field: 'dns.answer', ...at(8, 1500, '10.0.0.1') },
      { indicatorId: 3, matched: 'mail.xn--bcher-kva.example', field: 'dns.query', ...at(10, 1700, '10.0.0.3') },
      { indicatorId: 2, matched: '::ffff:192.0.2.7', field: 'dns.answer', ...at(10, 1700, '10.0.0.3') },
      { indicatorId: 4, matched: '2001:db8::1', field: 'dns.answer', ...at(10, 1700, '10.0.0.3') },
      { indicatorId: 1, matched: 'x.evil.net', field: 'dns.query', ...at(11, 1800, '10.0.0.4') },
      { indicatorId: 5, matched: 'cname.quiet.org', field: 'dns.answer', ...at(12, 1900, '10.0.0.5') },
    ]);
    assert.deepEqual([r.lines, r.records, r.skipped, r.diagnostics], [12, 5, 0, []]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Reads `text` in `chunks` as LineHunter does, but every line through readLine (no skipLines): the reference. */
function huntLineByLine(text: Buffer, cuts: number[], index: IndicatorIndex) {
  const reader = createLineReader('zeek', 't.log');
  reader.setFilter?.(index);
  const sightings: RawSighting[] = [];
  const diagnostics: Diagnostic[] = [];
  const matcher = new RecordMatcher(index, [], (s) => sightings.push(s));
  const sink = { observe: (o: Observation) => matcher.observe(o), diagnostic: (d: Diagnostic) => diagnostics.push(d) };
  const splitter = new LineSplitter({
    line: (buf, lineNo) => { matcher.end(); reader.readLine(buf, lineNo, sink); },
    overlong: (lineNo, bytes) => diagnostics.push(diag('too-large', 't.log', `line too long (${bytes} bytes)`, { line: lineNo })),
  });
  for (const c of chunked(text, cuts)) splitter.push(c);
  splitter.end();
  matcher.end();
  return { sightings, diagnostics, lines: splitter.lines, records: reader.records, skipped: reader.skipped };
}

function chunked(text: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) { out.push(text.subarray(prev, p)); prev = p; }
  out.push(text.subarray(prev));
  return out;
}

test('property: passing over lines by their bytes (skipLines) finds and reports exactly what reading every line does', () => {
  const index = IndicatorIndex.build([
    { id: 1, type: 'domain', value: 'evil.net' }, { id: 2, type: 'ipv4', value: '192.0.2.7' }, { id: 3, type: 'cidr', value: '2001:db8::/32' },
    { id: 4, type: 'domain', value: 'xn--bcher-kva.example' }, { id: 5, type: 'cidr', value: '198.51.100.0/24' },
  ]);
  const queries = ['quiet.example.org', 'WWW.Evil.NET.', 'evil.net', 'x\\x2eevil.net', 'mail.bücher.example', '-', '(empty)', '', 'evil.net.example', 'a b'];
  const answers = ['-', '(empty)', '192.0.2.7', '192.0.2.8', '198.51.100.9,cdn.evil.net', 'cname.quiet.org,10.0.0.1', '::ffff:192.0.2.7', '2001:db8::1',
    '2001:db9::1', '1.2.3.4.in-addr.arpa', ',,', 'a\\x2c,b'];
  const record = fc.tuple(fc.constantFrom(...queries), fc.constantFrom(...answers), fc.nat({ max: 9 }))
    .map(([q, a, ts]) => `1.${ts}\tC1\t10.0.0.${ts}\t5353\t10.0.0.53\t53\t${q}\t${a}`);
  const damage = fc.constantFrom('', '1.5\tC1\tshort', '1.5\tC1\t10.0.0.1\t5353\t10.0.0.53\t53\tq\u0000.example\t-', '#close\t2026',
    '#fields\tts\tquery', '#path\thttp', '\r', '1.5\tC1\t10.0.0.1\t5353\t10.0.0.53\t53\tquiet.example\t-\r', 'x'.repeat(300), HEADER);
  const line = fc.oneof({ weight: 6, arbitrary: record }, { weight: 1, arbitrary: damage });
  fc.assert(fc.property(fc.array(line, { maxLength: 40 }), fc.array(fc.nat({ max: 6000 }), { maxLength: 6 }), fc.boolean(), (lines, cuts, lastNl) => {
    const text = Buffer.from(`${HEADER}\n${lines.join('\n')}${lastNl ? '\n' : ''}`, 'utf8');
    const h = new LineHunter({ family: 'zeek', displayPath: 't.log', referenceMs: 0, index, hostIdParams: [] });
    for (const c of chunked(text, cuts)) h.splitter.push(c);
    h.finish();
    const got = { sightings: h.sightings, diagnostics: h.diagnostics, lines: h.splitter.lines, records: h.reader.records, skipped: h.reader.skipped };
    assert.deepEqual(got, huntLineByLine(text, cuts, index));
  }), { seed: 20261201, numRuns: 400 });
});
