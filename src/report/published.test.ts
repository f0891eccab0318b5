import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from '../core/diagnostic.js';
import { checkPublished, loadPublished } from './published.js';

const PUBLISHED_PATH = new URL('./testdata/published-nettraveler.json', import.meta.url);
let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'sightline-published-')); });
after(() => rm(dir, { recursive: true, force: true }));

async function reason(json: string): Promise<string> {
  const path = join(dir, 'figures.json');
  await writeFile(path, json);
  const r = await loadPublished(path);
  assert.ok('diagnostic' in r, json);
  return formatDiagnostic(r.diagnostic);
}

test('loads the NetTraveler figures', async () => {
  const r = await loadPublished(fileURLToPath(PUBLISHED_PATH));
  assert.ok('published' in r);
  assert.equal(r.published.victims, 350);
  assert.equal(r.published.countries, 40);
  assert.deepEqual(r.published.topCountries?.slice(0, 3), ['MN', 'RU', 'IN']);
  assert.deepEqual(r.published.overlap, [{ campaign: 'Red October', victims: 6 }]);
  assert.equal(r.published.source.date, '2013-06-04');
});

test('says path: reason for a file that is no figures file', async () => {
  const p = join(dir, 'figures.json');
  assert.equal(await reason('{'), `${p}: not JSON: ${(() => { try { JSON.parse('{'); } catch (e) { return (e as Error).message; } return ''; })()}`);
  assert.equal(await reason('[]'), `${p}: expected a JSON object`);
  assert.equal(await reason('{"victims": 3}'), `${p}: source: expected an object with a title`);
  assert.equal(await reason('{"source": {"title": "x"}, "victims": -1}'), `${p}: victims: expected a non-negative integer`);
  assert.equal(await reason('{"source": {"title": "x"}, "topCountries": ["Mongolia"]}'), `${p}: topCountries[0]: expected an ISO 3166-1 alpha-2 code (MN)`);
  assert.equal(await reason('{"source": {"title": "x"}, "sectors": [{"sector": "diplomatic", "share": 32}]}'), `${p}: sectors[0].share: expected a fraction from 0 to 1`);
  assert.equal(await reason('{"source": {"title": "x", "url": "javascript:alert(1)"}}'), `${p}: source.url: expected an http or https URL`);
  assert.equal(await reason('{"source": {"title": "x"}, "victim": 3}'), `${p}: unknown field "victim"`);
  const missing = join(dir, 'nope.json');
  const r = await loadPublished(missing);
  assert.ok('diagnostic' in r);
  assert.equal(formatDiagnostic(r.diagnostic), `${missing}: ENOENT`);
});

test('keeps only the known fields, typed', () => {
  const r = checkPublished({ source: { title: 'T', url: 'https://example.org/r' }, buildsSince: 2005, lastThreeYearsShare: 0.61 });
  assert.deepEqual(r, { source: { title: 'T', url: 'https://example.org/r' }, buildsSince: 2005, lastThreeYearsShare: 0.61 });
});
