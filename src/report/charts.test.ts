import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hoursChart, sectorsChart, tidySvg, workingWindowCells } from './charts.js';
import { binLowerBounds, worldMap } from './world-map.js';
import { ISO_NUMERIC_TO_ALPHA2 } from './iso-3166.js';
import { reportFixture } from './testing/fixture.js';

test('the working day is drawn in UTC, shifted by the offset', () => {
  // UTC+8: Mon–Fri 08:00–18:00 local is 00:00–10:00 UTC the same day.
  assert.deepEqual(workingWindowCells(8), [[0, 0, 10], [1, 0, 10], [2, 0, 10], [3, 0, 10], [4, 0, 10]]);
  // UTC-5: 13:00–23:00 UTC.
  assert.deepEqual(workingWindowCells(-5)[0], [0, 13, 23]);
  // UTC+10: 22:00 the day before to 08:00; Monday's starts on Sunday evening.
  assert.deepEqual(workingWindowCells(10).slice(0, 2), [[6, 22, 24], [0, 0, 8]]);
  // UTC+5:30: half-hour cells.
  assert.deepEqual(workingWindowCells(5.5)[0], [0, 2.5, 12.5]);
  // UTC-10: 18:00–04:00, Friday's ends on Saturday.
  assert.deepEqual(workingWindowCells(-10).slice(-2), [[4, 18, 24], [5, 0, 4]]);
});

test('chart SVG is static and the same on every render', async () => {
  const stats = reportFixture().stats;
  const a = await sectorsChart(stats);
  const b = await sectorsChart(stats);
  assert.ok(a && b);
  assert.equal(a, b);
  assert.ok(!a.includes('<style') && !a.includes('ecmeta_') && !/zr\d+-/.test(a));
  const h1 = await hoursChart(stats);
  assert.equal(h1, await hoursChart(stats));
  assert.match(h1!, /^<svg role="img" aria-label="Build times by hour of week \(UTC\)"/);
  assert.ok(h1!.includes('outlined: Mon–Fri 08:00–18:00 at UTC+8'));
  assert.equal(tidySvg('<svg a><g clip-path="url(#zr7-c0)"></g><clipPath id="zr7-c0"></clipPath></svg>', 'fig-x', 'X'),
    '<svg role="img" aria-label="X" a><g clip-path="url(#fig-x-c-0)"></g><clipPath id="fig-x-c-0"></clipPath></svg>');
});

test('ECharts escapes the labels it draws', async () => {
  const stats = structuredClone(reportFixture().stats);
  stats.victims.bySector[0]!.sector = '<img src=x onerror=alert(1)>';
  const svg = (await sectorsChart(stats))!;
  assert.ok(!svg.includes('<img'));
  assert.ok(svg.includes('&lt;img src=x'));
});

test('the world map links each country with victims and lists the ones it cannot draw', () => {
  assert.equal(ISO_NUMERIC_TO_ALPHA2.size, 249);
  assert.equal(ISO_NUMERIC_TO_ALPHA2.get('496'), 'MN');
  const m = worldMap([
    { code: 'MN', name: 'Mongolia', count: 4, share: 0.5 },
    { code: 'XK', name: 'Kosovo', count: 1, share: 0.125 },
    { code: 'SG', name: 'Singapore', count: 3, share: 0.375 },
  ], (c) => `#victims-country-${c}`);
  assert.match(m.svg, /<a href="#victims-country-MN"><path d="M[^"]+" fill="#[0-9a-f]{6}"[^>]*><title>Mongolia: 4 victims<\/title>/);
  assert.match(m.svg, /<a href="#victims-country-XK">/);
  assert.deepEqual(m.notDrawn.map((c) => c.code), ['SG']);
  assert.match(m.svg, /<title>Brazil: no victims<\/title>/);
  assert.deepEqual(binLowerBounds(4), [1, 2, 3, 4]);
  assert.deepEqual(binLowerBounds(1000), [1, 4, 16, 64, 252]);
});
