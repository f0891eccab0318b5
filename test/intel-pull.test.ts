/**
 * `sightline intel pull --taxii` end to end, as a user runs it, against the
 * tests' TAXII 2.1 server on 127.0.0.1: a collection pulled in pages, a
 * second pull importing only what was added, the token from the
 * environment, and an expired token said clearly with exit status 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { startSightline, tempCase, jsonLines } from './cli.js';
import { startTaxiiServer, type TestCollection } from '../src/sync/testing/taxii-server.js';

const T0 = '2016-11-02T10:00:00Z';
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const indicator = (n: number, domain: string) => ({
  type: 'indicator', spec_version: '2.1', id: `indicator--${uuid(100 + n)}`, created: T0, modified: T0,
  pattern: `[domain-name:value = '${domain}']`, pattern_type: 'stix', valid_from: T0,
});
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString().replace('.000Z', '.000000Z');

/** Runs the CLI without blocking this process (the server answers from it). */
async function run(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const p = startSightline(args);
  process.env = saved;
  let stdout = '';
  let stderr = '';
  p.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  p.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const [status] = await once(p, 'exit') as [number | null];
  return { status, stdout, stderr };
}

test('intel pull --taxii: pages, then only what was added; a bad token is exit 1 with the reason', async () => {
  const collection: TestCollection = {
    id: '91a7b528-80eb-42ed-a74d-c6fbd5a26116', title: 'High Value Indicators',
    objects: ['a', 'b', 'c', 'd', 'e'].map((x, i) => ({ dateAdded: at(i + 1), object: indicator(i, `${x}.example-apt.net`) })),
  };
  const server = await startTaxiiServer({ tokens: ['s3cret'], expiredTokens: ['old'], pageSize: 2, collections: [collection] });
  const c = tempCase();
  try {
    const first = await run(['--db', c.db, 'intel', 'pull', '--taxii', server.url, '--campaign', 'NetTraveler'], { SIGHTLINE_TAXII_TOKEN: 's3cret' });
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stderr, `pulled High Value Indicators: 5 object(s) in 3 page(s), 5 new indicator(s), 0 merged into known ones; next pull from ${at(5)}\n`);
    collection.objects.push({ dateAdded: at(6), object: indicator(6, 'f.example-apt.net') });
    const second = await run(['--db', c.db, 'intel', 'pull', '--taxii', server.url, '--token', 's3cret', '--campaign', 'NetTraveler']);
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stderr, `pulled High Value Indicators: 1 object(s) in 1 page(s), 1 new indicator(s), 0 merged into known ones; next pull from ${at(6)}\n`);
    const list = await run(['--db', c.db, 'intel', 'list', '--json']);
    assert.deepEqual((jsonLines(list.stdout) as { value: string; campaigns: string[] }[]).map((i) => `${i.value} ${i.campaigns.join('+')}`),
      ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `${x}.example-apt.net NetTraveler`));
    const expired = await run(['--db', c.db, 'intel', 'pull', '--taxii', server.url, '--token', 'old']);
    assert.equal(expired.status, 1);
    assert.match(expired.stderr, /^sightline: .*401 Unauthorized \(Unauthorized: token expired\): the server refused the credentials; the token may have expired/);
  } finally {
    c.done();
    await server.close();
  }
});
