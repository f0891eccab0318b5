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
