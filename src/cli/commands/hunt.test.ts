import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSightingText } from './hunt.js';

test('a sighting line makes every attacker-controlled field visible: no escape sequence reaches the terminal', () => {
  const line = formatSightingText({
    indicator: { type: 'domain', value: 'evil\x1b[2J.example', campaigns: ['NT\x07'] },
    matched: 'a.evil\x1b[2J.example', field: 'dns.query', ts: '2013-05-02T03:04:05.123Z',
    src: '10.0.0.1\x1b[31m', dst: '\x9b6n',
    evidence: { path: 'logs/\x1b]0;title\x07x.zip', format: 'files', inside: 'docs/\x1b[8mhidden.exe', line: 3 },
  });
  assert.equal(line, '2013-05-02T03:04:05.123Z  dns.query  a.evil\\x1b[2J.example  [domain evil\\x1b[2J.example: NT\\x07]  ' +
    '10.0.0.1\\x1b[31m -> \\x9b6n  logs/\\x1b]0;title\\x07x.zip!docs/\\x1b[8mhidden.exe:3');
  assert.doesNotMatch(line, /[\x00-\x1f\x7f\x9b]/);
});

test('a sighting line names the implant host identifier when the record carried one, made safe too', () => {
  const base = {
    indicator: { type: 'domain' as const, value: 'nt-c2.example', campaigns: ['NetTraveler'] },
    matched: 'nt-c2.example', field: 'http.host', ts: null, src: '10.0.0.1', dst: null,
    evidence: { path: 'squid.log', format: 'squid', line: 1 },
  };
  assert.equal(formatSightingText({ ...base, hostId: 'ABC\x1b[0m123' }),
    '-  http.host  nt-c2.example  [domain nt-c2.example: NetTraveler]  10.0.0.1 -> ?  hostid ABC\\x1b[0m123  squid.log:1');
  assert.equal(formatSightingText(base), '-  http.host  nt-c2.example  [domain nt-c2.example: NetTraveler]  10.0.0.1 -> ?  squid.log:1');
});
