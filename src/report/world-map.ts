/**
 * The world choropleth of victims by country: d3-geo's Equal Earth
 * projection of world-atlas' countries-110m (Natural Earth 1:110m, public
 * domain), drawn to SVG at build time. Each country with victims links to
 * its rows in the victims table and says its count in a <title> (hover
 * text); countries too small for the 1:110m map are listed beside it.
 */
import { createRequire } from 'node:module';
import { geoEqualEarth, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { CountryCount } from '../analytics/types.js';
import { escapeHtml } from './escape.js';
import { formatCount } from './format.js';
import { ATLAS_NAME_TO_ALPHA2, ISO_NUMERIC_TO_ALPHA2 } from './iso-3166.js';

const WIDTH = 960;
const MAP_HEIGHT = 470;
const LEGEND_HEIGHT = 34;
/** ColorBrewer "Blues" (5 classes), light to dark. */
const BIN_COLOURS = ['#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];
const NO_VICTIMS = '#e9e9e6';
const OCEAN = '#f5f8fb';

export interface WorldMap {
  svg: string;
  /** Countries with victims that the 1:110m map has no shape for (Singapore, Bahrain, Malta…). */
  notDrawn: CountryCount[];
}

interface AtlasCountry { name: string }
let atlas: { code: string | null; name: string; d: string }[] | null = null;

/** The projected country outlines, computed once per process (the projection and data never change). */
function countryShapes(): { code: string | null; name: string; d: string }[] {
  if (atlas) return atlas;
  const topo = createRequire(import.meta.url)('world-atlas/countries-110m.json') as Topology<{ countries: GeometryCollection<AtlasCountry> }>;
  const countries = feature(topo, topo.objects.countries);
  const projection = geoEqualEarth().fitSize([WIDTH, MAP_HEIGHT], { type: 'Sphere' });
  const path = geoPath(projection).digits(1);
  atlas = countries.features.map((f) => {
    const id = f.id === undefined ? undefined : String(f.id);
    const name = f.properties?.name ?? '';
    const code = (id !== undefined ? ISO_NUMERIC_TO_ALPHA2.get(id) : undefined) ?? ATLAS_NAME_TO_ALPHA2.get(name) ?? null;
    return { code, name, d: path(f) ?? '' };
  });
  sphere = path({ type: 'Sphere' }) ?? '';
  return atlas;
}
let sphere = '';

/** Lower bounds of up to five classes on a log scale from 1 to max (one class per value when max ≤ 5). */
export function binLowerBounds(max: number): number[] {
  if (max <= 0) return [];
  if (max <= BIN_COLOURS.length) return Array.from({ length: max }, (_, i) => i + 1);
  const bounds = [1];
  for (let k = 1; k < BIN_COLOURS.length; k++) {
    const b = Math.ceil(max ** (k / BIN_COLOURS.length));
    if (b > bounds[bounds.length - 1]!) bounds.push(b);
  }
  return bounds;
}

function binOf(count: number, bounds: number[]): number {
  let i = 0;
  while (i + 1 < bounds.length && count >= bounds[i + 1]!) i++;
  return i;
}

/**
 * Draws the map. `href(code)` gives the anchor of a country's victims;
 * names come from the stats (falling back to the atlas' own).
 */
export function worldMap(byCountry: CountryCount[], href: (code: string) => string): WorldMap {
  const shapes = countryShapes();
  const counts = new Map(byCountry.map((c) => [c.code, c]));
  const max = Math.max(0, ...byCountry.map((c) => c.count));
  const bounds = binLowerBounds(max);
  const colours = BIN_COLOURS.slice(BIN_COLOURS.length - bounds.length);
  const drawn = new Set<string>();
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Victims by country" width="${WIDTH}" height="${MAP_HEIGHT + LEGEND_HEIGHT}" viewBox="0 0 ${WIDTH} ${MAP_HEIGHT + LEGEND_HEIGHT}">`,
    `<path d="${sphere}" fill="${OCEAN}" stroke="#c9d3dc" stroke-width="0.5"/>`,
  ];
  for (const s of shapes) {
    if (s.d === '') continue;
    const c = s.code !== null ? counts.get(s.code) : undefined;
    const name = escapeHtml(c?.name || s.name);
    if (c && c.count > 0) {
      drawn.add(c.code);
      const fill = colours[binOf(c.count, bounds)]!;
      parts.push(`<a href="${escapeHtml(href(c.code))}"><path d="${s.d}" fill="${fill}" stroke="#fff" stroke-width="0.5"><title>${name}: ${formatCount(c.count)} victim${c.count === 1 ? '' : 's'}</title></path></a>`);
    } else {
      parts.push(`<path d="${s.d}" fill="${NO_VICTIMS}" stroke="#fff" stroke-width="0.5"><title>${name}: no victims</title></path>`);
    }
  }
  parts.push(legend(bounds, colours, max));
  parts.push('</svg>');
  const notDrawn = byCountry.filter((c) => c.count > 0 && !drawn.has(c.code));
  return { svg: parts.join('\n'), notDrawn };
}

function legend(bounds: number[], colours: string[], max: number): string {
  const y = MAP_HEIGHT + 8;
  const out = [`<g font-family="sans-serif" font-size="11" fill="#333"><text x="10" y="${y + 12}">victims</text>`];
  let x = 62;
  const items: [string, string][] = [[NO_VICTIMS, 'none']];
  bounds.forEach((lo, i) => {
    const hi = i + 1 < bounds.length ? bounds[i + 1]! - 1 : max;
    items.push([colours[i]!, lo === hi ? formatCount(lo) : `${formatCount(lo)}–${formatCount(hi)}`]);
  });
  for (const [colour, text] of items) {
    out.push(`<rect x="${x}" y="${y}" width="16" height="16" fill="${colour}" stroke="#999" stroke-width="0.5"/><text x="${x + 20}" y="${y + 12}">${text}</text>`);
    x += 28 + text.length * 7;
  }
  out.push('</g>');
  return out.join('');
}
