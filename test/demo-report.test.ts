/**
 * End to end, through the CLI, on the NetTraveler demo case (what `npm
 * start` runs): the generator's ground truth — counted by the generator from
 * its own plan, not by Sightline — comes back out of `campaign stats`, the
 * report's report.json equals `campaign stats --json`, every count drills
 * down to its victims, and the report is byte-identical when written twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCase, PATHS } from '../examples/nettraveler/generate.js';
import type { CampaignStats } from '../src/index.js';
import { jsonLines, sightline, caseBackends, tempCaseOn } from './cli.js';

const INTEL = 'examples/nettraveler/case/intel';

for (const backend of caseBackends()) test(`the demo case: ground truth through import, sinkhole and evidence hunts, stats, victims and the report (${backend.name})`, { skip: backend.skip }, async () => {
  const c = await tempCaseOn(backend);
  try {
    const truth = generateCase(c.dir);
    const run = (args: string[]) => {
      const r = sightline(['--db', c.db, ...args]);
      assert.ok(r.status === 0, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
      return r;
    };
    run(['intel', 'import', `${INTEL}/nettraveler.stix.json`, `${INTEL}/red-october.stix.json`]);
    run(['intel', 'import', '--campaign', 'NetTraveler', `${INTEL}/nettraveler-iocs.txt`, `${INTEL}/nettraveler.yar`]);
    run(['assets', 'import', join(c.dir, PATHS.assets)]);
    run(['hunt', '--sinkhole', 'NetTraveler', join(c.dir, PATHS.sinkhole)]);
    run(['hunt', join(c.dir, PATHS.organisation), join(c.dir, PATHS.partner)]);

    const [stats] = jsonLines(run(['campaign', 'stats', '--campaign', 'NetTraveler', '--json']).stdout) as [CampaignStats];
    assert.equal(stats.campaign, 'NetTraveler');
    assert.equal(stats.victims.count, truth.victims.count);
    assert.equal(stats.victims.hostIds, truth.victims.hostIds);
    assert.equal(stats.victims.countries, truth.victims.countries);
    assert.deepEqual(stats.victims.byCountry.slice(0, 10).map((x) => x.code), truth.victims.topCountries);
    assert.deepEqual(stats.victims.byCountry.map((x) => [x.code, x.count]),
      truth.victims.byCountry.map((x) => [x.code, x.count]));
    assert.deepEqual(stats.victims.bySector.map((x) => [x.sector, x.count]),
      truth.victims.bySector.map((x) => [x.sector, x.count]));
    assert.deepEqual(stats.excluded, truth.excluded);
    assert.deepEqual(stats.timeline.byMonth.map((m) => [m.month, m.newVictims]),
      truth.victims.byMonth.map((m) => [m.month, m.newVictims]));
    const b = stats.builds;
    assert.equal(b.count, truth.builds.count);
    assert.equal(b.anomalous, truth.builds.anomalous);
    assert.deepEqual(b.setAside, truth.builds.setAside);
    assert.equal(b.earliest, truth.builds.earliest);
    assert.equal(b.latest, truth.builds.latest);
    assert.equal(b.lastThreeYearsShare, Math.round(truth.builds.lastThreeYearsShare * 100) / 100);
    assert.equal(b.variants.length, truth.builds.variants.length);
    assert.equal(stats.authorship.utcOffset, truth.authorship.utcOffset);
    assert.deepEqual(stats.authorship.languages, truth.authorship.languages);
    assert.deepEqual(stats.overlap.map((o) => [o.campaign, [...o.victims].sort()]),
      truth.overlap.map((o) => [o.campaign, [...o.victims].sort()]));

    // Drill down: a country's count is its victims; a victim's sightings carry their evidence lines.
    const mn = jsonLines(run(['victims', '--campaign', 'travnet', '--country', 'mn', '--json']).stdout) as { src: string; country: string }[];
    assert.equal(mn.length, truth.victims.byCountry.find((x) => x.code === 'MN')!.count);
    assert.ok(mn.every((v) => v.country === 'MN'));
    const one = jsonLines(run(['sightings', '--campaign', 'NetTraveler', '--src', mn[0]!.src, '--json']).stdout) as { evidence: { line?: number } }[];
    assert.ok(one.length > 0 && one.every((s) => typeof s.evidence.line === 'number'));

    // The report: report.json is the statistics; the same case gives the same bytes.
    const write = (dir: string) => run(['report', '--campaign', 'NetTraveler', '--published', 'examples/nettraveler/published.json', '--out', join(c.dir, dir),
      '--generated-at', '2026-12-01T00:00:00Z', '--no-pdf']);
    write('r1');
    write('r2');
    assert.deepEqual(JSON.parse(readFileSync(join(c.dir, 'r1', 'report.json'), 'utf8')), stats);
    for (const f of ['index.html', 'report.json', 'bundle.stix.json', 'victims.csv', 'sightings.csv', 'samples.csv']) {
      assert.ok(readFileSync(join(c.dir, 'r1', f)).equals(readFileSync(join(c.dir, 'r2', f))), `${f} differs between two runs`);
    }
    const html = readFileSync(join(c.dir, 'r1', 'index.html'), 'utf8');
    assert.match(html, new RegExp(`${truth.victims.count} victims`));
  } finally {
    await c.done();
  }
});
