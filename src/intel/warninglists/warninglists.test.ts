import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../core/test-data.js';
import { readWarninglist } from './warninglists.js';

test('a list.json becomes plain data; entries that are no strings are dropped', () => {
  assert.deepEqual(readWarninglist({ name: 'top', type: 'hostname', list: ['Example.COM.', '*.cdn.example.net', 42, null], version: 3 }),
    { name: 'top', type: 'hostname', list: ['Example.COM.', '*.cdn.example.net'] });
  assert.deepEqual(readWarninglist({ name: 'regexes', type: 'regex', list: ['.*'] }), { name: 'regexes', type: 'regex', list: ['.*'] });
});

test('a list is named by the name given (its folder), else by its own', () => {
  assert.deepEqual(readWarninglist({ name: 'List of RFC 1918 CIDR blocks', type: 'cidr', list: ['10.0.0.0/8'] }, 'rfc1918'),
    { name: 'rfc1918', type: 'cidr', list: ['10.0.0.0/8'] });
  assert.deepEqual(readWarninglist({ type: 'cidr', list: [] }, 'rfc1918'), { name: 'rfc1918', type: 'cidr', list: [] });
});

test('what is no warninglist is null', () => {
  for (const bad of [
    { name: 'bad-type', type: 'nope', list: ['x.com'] }, { type: 'cidr', list: ['0.0.0.0/0'] }, { name: '', type: 'cidr', list: [] },
    { name: 'no-list', type: 'cidr' }, { name: 'list-object', type: 'cidr', list: { 0: '10.0.0.0/8' } }, { name: 7, type: 'cidr', list: [] },
    'not an object', null, 42, [],
  ]) assert.equal(readWarninglist(bad), null, JSON.stringify(bad));
});

const DATA = join(repoRoot(), 'data', 'warninglists');

test('the bundled lists: exactly the twelve chosen, without dynamic-dns and university_domains, each readable', () => {
  const names = readdirSync(DATA).filter((n) => existsSync(join(DATA, n, 'list.json'))).sort();
  assert.deepEqual(names, ['alexa', 'circl-security-scanning', 'google', 'microsoft', 'public-dns-hostname', 'public-dns-v4', 'public-dns-v6', 'rfc1918', 'rfc5735', 'rfc6761', 'second-level-tlds', 'tranco10k']);
  assert.ok(existsSync(join(DATA, 'README.md')));
  for (const n of names) {
    const json = JSON.parse(readFileSync(join(DATA, n, 'list.json'), 'utf8')) as { list: unknown[] };
    const l = readWarninglist(json);
    assert.ok(l !== null, n);
    assert.equal(l.list.length, json.list.length, n);
  }
});
