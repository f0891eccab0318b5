import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anchors } from './anchors.js';
import { sentenceHtml, sentenceText, summarize } from './summary.js';
import { reportFixture } from './testing/fixture.js';

test('the summary states the fixture\'s numbers in sentences', () => {
  const input = reportFixture();
  const anchors = new Anchors(input.stats, input.victims);
  const text = summarize(input.stats, input.sightingsTotal, anchors).map(sentenceText);
  assert.deepEqual(text, [
    '12 victims in 5 countries; most in Mongolia (4), Russia (3) and India (2).',
    'Their beacons carried 12 distinct implant host ids.',
    '42% diplomatic, then 25% government, 17% research and 17% unknown.',
    '55 sightings from 2012-11-05 to 2013-05-20.',
    'Builds from 2005, 80% in the last three years.',
    'Working hours fit UTC+8 (score 0.93).',
    '2 victims shared with Red October.',
  ]);
});

test('every number in the summary links to the rows behind it', () => {
  const input = reportFixture();
  const anchors = new Anchors(input.stats, input.victims);
  const html = summarize(input.stats, input.sightingsTotal, anchors).map(sentenceHtml);
  assert.equal(html[0], '<a href="#victims">12 victims</a> in <a href="#fig-map">5 countries</a>; most in '
    + '<a href="#victims-country-MN">Mongolia</a> (4), <a href="#victims-country-RU">Russia</a> (3) and <a href="#victims-country-IN">India</a> (2).');
  assert.equal(html[2], '<a href="#victims-sector-diplomatic">42% diplomatic</a>, then <a href="#victims-sector-government">25% government</a>, '
    + '<a href="#victims-sector-research">17% research</a> and <a href="#victims-sector-unknown">17% unknown</a>.');
  assert.equal(html[3], '<a href="#sightings">55 sightings</a> from <a href="#sightings-month-2012-11">2012-11-05</a> to <a href="#sightings-month-2013-05">2013-05-20</a>.');
  assert.equal(html[4], 'Builds from <a href="#samples-year-2005">2005</a>, <a href="#builds">80%</a> in the last three years.');
  assert.equal(html[6], '<a href="#overlap-red-october">2 victims</a> shared with Red October.');
});

test('a declined fit says why; several overlaps are listed; no overlap says nothing', () => {
  const input = reportFixture();
  const stats = structuredClone(input.stats);
  stats.authorship.utcOffset = null;
  stats.authorship.score = null;
  stats.authorship.declined = 'fewer than 20 usable build times.';
  stats.overlap.push({ campaign: 'Lurid', sharedVictims: 1, victims: ['192.0.2.13'], sharedIndicators: 2, indicators: [] });
  const text = summarize(stats, input.sightingsTotal, new Anchors(stats, input.victims)).map(sentenceText);
  assert.ok(text.includes('No working-hours fit: fewer than 20 usable build times.'));
  assert.ok(text.includes('2 victims shared with Red October and 1 with Lurid.'));
  stats.overlap = [];
  const none = summarize(stats, input.sightingsTotal, new Anchors(stats, input.victims)).map(sentenceText);
  assert.ok(!none.some((s) => s.includes('shared')));
});

test('an XSS probe in a sector or campaign name is escaped and its anchor is plain', () => {
  const input = reportFixture();
  const stats = structuredClone(input.stats);
  stats.victims.bySector[0]!.sector = '<script>x</script>';
  stats.overlap[0]!.campaign = '"><img src=x>';
  const anchors = new Anchors(stats, input.victims);
  const html = summarize(stats, input.sightingsTotal, anchors).map(sentenceHtml).join('\n');
  assert.ok(!html.includes('<script>') && !html.includes('<img'));
  assert.ok(html.includes('&lt;script&gt;'));
  assert.match(anchors.sector('<script>x</script>'), /^victims-sector-[a-z0-9-]+$/);
  assert.match(anchors.overlap('"><img src=x>'), /^overlap-[a-z0-9-]+$/);
});
