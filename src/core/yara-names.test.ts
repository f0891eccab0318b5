import { test } from 'node:test';
import assert from 'node:assert/strict';
import { yaraIndicatorValue, yaraMatchKeys, yaraRuleName } from './yara-x.js';

test('yara indicator values: file and rule, the rule name shown; a repeated file name and pre-namespace values still match', () => {
  assert.equal(yaraIndicatorValue('nt:v2.yar', 'NetTraveler'), 'nt:v2.yar:NetTraveler');
  assert.equal(yaraRuleName('nt:v2.yar:NetTraveler'), 'NetTraveler');
  assert.equal(yaraRuleName('NetTraveler'), 'NetTraveler', 'a value stored before namespaces');
  assert.deepEqual(yaraMatchKeys('x.yar#2', 'A'), ['x.yar:A', 'A']);
  assert.deepEqual(yaraMatchKeys('x.yar', 'A'), ['x.yar:A', 'A']);
});
