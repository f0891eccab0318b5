/** Query parameters: times, numbers, names; and the rate limiter's buckets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './errors.js';
import { Query, parseIsoTime } from './params.js';
import { RateLimiter, MAX_CLIENTS } from './rate-limit.js';

test('ISO 8601 dates and times, strictly', () => {
  assert.equal(parseIsoTime('2013-05-01'), Date.UTC(2013, 4, 1));
  assert.equal(parseIsoTime('2013-05-01', true), Date.UTC(2013, 4, 2) - 1);
  assert.equal(parseIsoTime('2013-05-01T08:30:00Z'), Date.UTC(2013, 4, 1, 8, 30));
  assert.equal(parseIsoTime('2013-05-01T08:30'), Date.UTC(2013, 4, 1, 8, 30), 'no zone: UTC');
  assert.equal(parseIsoTime('2013-05-01T08:30:01.5+02:00'), Date.UTC(2013, 4, 1, 6, 30, 1, 500));
  assert.equal(parseIsoTime('2013-05-01T08:30:01.123456-05:30'), Date.UTC(2013, 4, 1, 14, 0, 1, 123));
  for (const bad of ['', '1', '2013', '2013-5-1', '2013-02-30', '2013-13-01', '2013-05-01T24:00Z', '2013-05-01T08:60Z', '2013-05-01 08:00',
    '2013-05-01T08:00+15:00', 'May 1 2013', '2013-05-01T08:00:00ZZ']) {
    assert.equal(parseIsoTime(bad), null, bad);
  }
});

test('a query: unknown and repeated names, ranges, choices', () => {
  const q = (s: string, allowed: string[]) => new Query(`http://x/api?${s}`, allowed);
  assert.throws(() => q('a=1', []), ApiError);
  assert.throws(() => q('a=1&a=2', ['a']), /more than once/);
  assert.throws(() => q(`a=${'x'.repeat(5000)}`, ['a']), /longer than/);
  assert.equal(q('a=5', ['a']).int('a', 1, 10), 5);
  assert.equal(q('', ['a']).int('a', 1, 10, 7), 7);
  for (const v of ['0', '11', '-1', '1.5', '1e1', ' 5', '0x5', '']) assert.throws(() => q(`a=${encodeURIComponent(v)}`, ['a']).int('a', 1, 10), ApiError, v);
  assert.equal(q('a=x', ['a']).choice('a', ['x', 'y']), 'x');
  assert.throws(() => q('a=z', ['a']).choice('a', ['x', 'y']), ApiError);
  assert.throws(() => q('a=', ['a']).string('a'), /empty/);
  assert.throws(() => q('a=%01', ['a']).string('a'), /control/);
});

test('rate limit: a burst, then the rate; buckets per client, bounded in number', () => {
  let now = 0;
  const l = new RateLimiter({ perSecond: 2, burst: 3 }, () => now);
  assert.deepEqual([l.take('a'), l.take('a'), l.take('a'), l.take('a')], [0, 0, 0, 1]);
  now = 500;
  assert.equal(l.take('a'), 0, 'half a second: one more');
  assert.ok(l.take('a') > 0);
  assert.equal(l.take('b'), 0);
  for (let i = 0; i < MAX_CLIENTS + 10; i++) l.take(`c${i}`);
  assert.equal(new RateLimiter({ perSecond: 0 }).take('x'), 0, '0: off');
});
