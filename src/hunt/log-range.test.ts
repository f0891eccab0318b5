import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndicatorIndex } from '../matching/index.js';
import { huntRange } from './log-range.js';

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
