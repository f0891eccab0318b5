import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isoTime } from './rows.js';

test('isoTime writes what toISOString writes, for any time it can write', () => {
  // Hand-picked edges: the epoch, a leap day, the last millisecond of 9999, the first of 10000, before 1970, the Date range's ends.
  for (const ms of [0, 1, 999, 1000, 951_782_400_000, 1_709_164_799_999, 253_402_300_799_999, 253_402_300_800_000, -1, -62_198_755_200_000, 8.64e15, -8.64e15]) {
    assert.equal(isoTime(ms), new Date(ms).toISOString(), String(ms));
  }
  assert.equal(isoTime(1_353_794_590_736), '2012-11-24T22:03:10.736Z');
  fc.assert(fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => isoTime(ms) === new Date(ms).toISOString()), { numRuns: 20_000 });
  fc.assert(fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => isoTime(ms) === new Date(ms).toISOString()), { numRuns: 20_000 });
  // Out of Date's range: the same RangeError.
  assert.throws(() => isoTime(8.64e15 + 1), RangeError);
  assert.throws(() => isoTime(Number.NaN), RangeError);
  assert.equal(isoTime(1.5), new Date(1.5).toISOString());
});
