import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Observation } from '../core/model.js';
import { IndicatorIndex } from '../matching/index.js';
import { hostIdFromUrl, RecordMatcher, MAX_HOST_ID_CHARS, type RawSighting } from './match.js';

test('hostIdFromUrl: the first listed parameter with a value, names any case, values decoded, trimmed and capped', () => {
  const P = ['hostid', 'uid'];
  assert.equal(hostIdFromUrl('http://a.example/nt.php?action=getcmd&hostid=ABC123&hostname=PC01', P), 'ABC123');
  assert.equal(hostIdFromUrl('/nt.php?HostID=abc', P), 'abc');
  // List order wins over URL order; an empty value is no identifier.
  assert.equal(hostIdFromUrl('/x?uid=U1&hostid=H1', P), 'H1');
  assert.equal(hostIdFromUrl('/x?uid=U1&hostid=', P), 'U1');
  assert.equal(hostIdFromUrl('/x?uid=U1&hostid=%20+%20', P), 'U1');
  assert.equal(hostIdFromUrl('/x?hostid=first&hostid=second', P), 'first');
  // Decoding: %XX as UTF-8, + as a space, bad escapes kept as written, then trimmed.
  assert.equal(hostIdFromUrl('/x?hostid=+A%2FB%20C+', P), 'A/B C');
  assert.equal(hostIdFromUrl('/x?hostid=%E4%B8%AD%zz', P), '中%zz');
  assert.equal(hostIdFromUrl('/x?host%69d=enc', P), 'enc');
  // The fragment is no part of the query; a bare name has no value; other names are not taken.
  assert.equal(hostIdFromUrl('/x?a=1#hostid=frag', P), undefined);
  assert.equal(hostIdFromUrl('/x?hostid&uid=9', P), '9');
  assert.equal(hostIdFromUrl('/x?myhostid=1&hostidx=2', P), undefined);
  assert.equal(hostIdFromUrl('/x/hostid=1', P), undefined);
  assert.equal(hostIdFromUrl('/x?hostid=1', []), undefined);
  assert.equal(hostIdFromUrl(`/x?hostid=${'A'.repeat(500)}`, P), 'A'.repeat(MAX_HOST_ID_CHARS));
  assert.equal(hostIdFromUrl(`/x?hostid=${'A'.repeat(MAX_HOST_ID_CHARS - 1)}%F0%9F%98%80`, P), 'A'.repeat(MAX_HOST_ID_CHARS - 1));
});

const obs = (field: string, kind: Observation['kind'], value: string, line: number): Observation =>
  ({ field, kind, value, ts: null, src: '10.0.0.1', dst: null, line });

test('RecordMatcher: a record\'s sightings are held until it ends, then carry the host identifier its URL gave; others none', () => {
  const index = IndicatorIndex.build([
    { id: 1, type: 'domain', value: 'evil.example' }, { id: 2, type: 'ipv4', value: '10.0.0.1' },
  ]);
  const out: RawSighting[] = [];
  const m = new RecordMatcher(index, ['hostid'], (s) => out.push(s));
  m.observe(obs('http.host', 'domain', 'c2.evil.example', 1));
  m.observe(obs('http.url', 'url', 'http://c2.evil.example/nt.php?hostid=AB%43', 1));
  assert.equal(out.length, 0, 'held until the record ends');
  m.observe(obs('conn.orig_h', 'ip', '10.0.0.1', 1));
  m.observe(obs('http.host', 'domain', 'c2.evil.example', 2));
  m.observe(obs('http.url', 'url', 'http://c2.evil.example/nt.php?x=1', 2));
  // A URL with an identifier in a record with no sighting gives nothing to the next record.
  m.observe(obs('http.url', 'url', 'http://quiet.example/?hostid=Z', 3));
  m.observe(obs('http.host', 'domain', 'evil.example', 4));
  m.end();
  m.end();
  assert.deepEqual(out.map((s) => [s.line, s.indicatorId, s.hostId]), [
    [1, 1, 'ABC'], [1, 2, 'ABC'], [2, 1, undefined], [4, 1, undefined],
  ]);
  assert.ok(!('hostId' in out[2]!));
});

test('RecordMatcher: records are told apart by packet too; without parameter names sightings go on at once', () => {
  const index = IndicatorIndex.build([{ id: 7, type: 'domain', value: 'evil.example' }]);
  const out: RawSighting[] = [];
  const m = new RecordMatcher(index, ['hostid'], (s) => out.push(s));
  const pkt = (field: string, kind: Observation['kind'], value: string, packet: number): Observation =>
    ({ field, kind, value, ts: null, src: null, dst: null, packet });
  m.observe(pkt('http.host', 'domain', 'evil.example', 4));
  m.observe(pkt('http.url', 'url', 'http://evil.example/?hostid=P4', 4));
  m.observe(pkt('http.host', 'domain', 'evil.example', 5));
  m.end();
  assert.deepEqual(out.map((s) => [s.packet, s.hostId]), [[4, 'P4'], [5, undefined]]);

  const now: RawSighting[] = [];
  const direct = new RecordMatcher(index, [], (s) => now.push(s));
  direct.observe(obs('http.host', 'domain', 'evil.example', 1));
  direct.observe(obs('http.url', 'url', 'http://evil.example/?hostid=1', 1));
  assert.equal(now.length, 1);
  assert.equal(now[0]!.hostId, undefined);
});
