import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyBuildTime, decodeDosDateTime, DELPHI_TIMESTAMP } from './timestamps.js';
import { parsePe, type PeFacts } from '../samples/pe/index.js';
import { writePe, type PeSpec } from '../samples/pe/testing/pe-writer.js';

const NOW = Date.UTC(2025, 0, 1);
const sec = (iso: string): number => Date.parse(iso) / 1000;
/** 2005-03-14 10:30:00 as an MS-DOS date (high word) and time (low word). */
const DOS_2005 = ((((2005 - 1980) << 9) | (3 << 5) | 14) << 16) | ((10 << 11) | (30 << 5));

const parsed = (spec: PeSpec): PeFacts => {
  const f = parsePe(writePe(spec).data, { now: new Date(NOW) });
  assert.ok(f !== null);
  return f;
};

test('a plain header stamp is the build time', () => {
  assert.deepEqual(classifyBuildTime({ timestampRaw: sec('2012-11-05T01:00:00Z') }, NOW),
    { usable: true, time: Date.parse('2012-11-05T01:00:00Z'), from: 'header' });
});

test('set aside: zero, reproducible, future, before 1992, missing', () => {
  assert.deepEqual(classifyBuildTime({ timestampRaw: 0 }, NOW), { usable: false, reason: 'zero' });
  assert.deepEqual(classifyBuildTime({ timestampRaw: 0x9d5c3a1b, reproducible: true }, NOW), { usable: false, reason: 'reproducible' });
  // The repro entry is the signal, however the facts carry it (parsePe lists a debug:repro stamp only when non-zero).
  assert.deepEqual(classifyBuildTime({ timestampRaw: 0x4d5c3a1b, otherTimestamps: [{ source: 'debug:repro', raw: 0x4d5c3a1b, iso: '' }] }, NOW),
    { usable: false, reason: 'reproducible' });
  assert.deepEqual(classifyBuildTime({ timestampRaw: 0x4d5c3a1b, anomalies: ['timestamp-reproducible'] }, NOW), { usable: false, reason: 'reproducible' });
  assert.deepEqual(classifyBuildTime({ timestampRaw: sec('2025-01-01T00:00:01Z') }, NOW), { usable: false, reason: 'future' });
  assert.deepEqual(classifyBuildTime({ timestampRaw: sec('2025-01-01T00:00:00Z') }, NOW).usable, true);
  assert.deepEqual(classifyBuildTime({ timestampRaw: sec('1991-12-31T23:59:59Z') }, NOW), { usable: false, reason: 'before1992' });
  for (const f of [null, undefined, 42, 'pe', [], {}, { timestampRaw: -1 }, { timestampRaw: 1.5 }, { timestampRaw: 2 ** 32 },
    { timestampRaw: '123' }, { timestamp: 'not a date' }]) {
    assert.deepEqual(classifyBuildTime(f, NOW), { usable: false, reason: 'missing' }, JSON.stringify(f));
  }
});

test('older facts: the ISO timestamp when timestampRaw is absent', () => {
  assert.deepEqual(classifyBuildTime({ timestamp: '2009-07-01T12:00:00.000Z' }, NOW),
    { usable: true, time: Date.parse('2009-07-01T12:00:00Z'), from: 'header' });
  assert.deepEqual(classifyBuildTime({ timestamp: '1970-01-01T00:00:00.000Z' }, NOW), { usable: false, reason: 'zero' });
});

test('MS-DOS date/time: fields decoded, impossible dates refused', () => {
  assert.equal(decodeDosDateTime(DOS_2005), Date.UTC(2005, 2, 14, 10, 30, 0));
  assert.equal(decodeDosDateTime(((25 << 9) | (2 << 5) | 30) << 16), null, '30 February');
  assert.equal(decodeDosDateTime(((25 << 9) | (13 << 5) | 1) << 16), null, 'month 13');
  assert.equal(decodeDosDateTime((((25 << 9) | (1 << 5) | 1) << 16) | (24 << 11)), null, 'hour 24');
  assert.equal(decodeDosDateTime(-1), null);
});

test('Delphi: the resource directory stamp (DOS, else Unix) when plausible, else set aside', () => {
  const delphi = (resource?: number): unknown => ({
    timestampRaw: DELPHI_TIMESTAMP,
    otherTimestamps: resource === undefined ? [] : [{ source: 'resource', raw: resource, iso: '' }],
  });
  assert.deepEqual(classifyBuildTime(delphi(DOS_2005), NOW), { usable: true, time: Date.UTC(2005, 2, 14, 10, 30), from: 'resource' });
  // Not a valid DOS date (day 0), but a Unix time in range.
  const unix = sec('2004-02-02T03:04:05Z');
  assert.equal(decodeDosDateTime(unix), null);
  assert.deepEqual(classifyBuildTime(delphi(unix), NOW), { usable: true, time: unix * 1000, from: 'resource' });
  assert.deepEqual(classifyBuildTime(delphi(), NOW), { usable: false, reason: 'delphi' });
  assert.deepEqual(classifyBuildTime(delphi(DELPHI_TIMESTAMP), NOW), { usable: false, reason: 'delphi' });
  // DOS 1985-01-01: before 1992; as Unix seconds 0x0a210000 is 1975: neither is plausible.
  assert.deepEqual(classifyBuildTime(delphi(((5 << 9) | (1 << 5) | 1) << 16), NOW), { usable: false, reason: 'delphi' });
});

test('real parsed facts: header, zero, repro, Delphi with its resource stamp', () => {
  const stamp = sec('2012-11-05T01:00:00Z');
  assert.deepEqual(classifyBuildTime(parsed({ timestamp: stamp }), NOW), { usable: true, time: stamp * 1000, from: 'header' });
  assert.deepEqual(classifyBuildTime(parsed({ timestamp: 0 }), NOW), { usable: false, reason: 'zero' });
  assert.deepEqual(classifyBuildTime(parsed({ timestamp: stamp, debug: [{ type: 'repro' }] }), NOW), { usable: false, reason: 'reproducible' });
  const resources = [{ type: 6, name: 1, lang: 2052, data: Buffer.from('x') }];
  const delphi = parsed({ timestamp: DELPHI_TIMESTAMP, resources, resourceTimestamp: DOS_2005 });
  assert.deepEqual(classifyBuildTime(delphi, NOW), { usable: true, time: Date.UTC(2005, 2, 14, 10, 30), from: 'resource' });
  assert.deepEqual(classifyBuildTime(parsed({ timestamp: DELPHI_TIMESTAMP, resources }), NOW), { usable: false, reason: 'delphi' });
  // What the facts look like once stored as JSON and read back.
  assert.deepEqual(classifyBuildTime(JSON.parse(JSON.stringify(delphi)), NOW), classifyBuildTime(delphi, NOW));
});
