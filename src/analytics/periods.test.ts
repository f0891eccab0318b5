import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayKey, monthKey, weekKey } from './periods.js';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

test('ISO weeks at year boundaries (expected values from `date +%G-W%V`)', () => {
  assert.equal(weekKey(day('2013-06-01')), '2013-W22');
  assert.equal(weekKey(day('2008-12-29')), '2009-W01');
  assert.equal(weekKey(day('2010-01-03')), '2009-W53');
  assert.equal(weekKey(day('2010-01-04')), '2010-W01');
  assert.equal(weekKey(day('1970-01-01')), '1970-W01');
  assert.equal(weekKey(day('2005-01-01')), '2004-W53');
});

test('day and month keys', () => {
  assert.equal(dayKey(day('2013-06-01')), '2013-06-01');
  assert.equal(monthKey(day('2013-06-30')), '2013-06');
});
