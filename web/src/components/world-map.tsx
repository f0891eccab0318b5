/**
 * Victims by country on a world map, drawn here from world-atlas's
 * countries (Natural Earth 1:110m, bundled) with d3-geo: each country with
 * victims is a link to them. The paths are projected once per page load.
 */
import { geoNaturalEarth1, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { FeatureCollection, Geometry } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import world from 'world-atlas/countries-110m.json';
import { href } from '../router.js';
import { ALPHA2_BY_NUMERIC } from './country-codes.js';

const WIDTH = 960;
const HEIGHT = 420;

interface Shape { code: string | null; name: string; d: string }

let shapes: Shape[] | null = null;

function worldShapes(): Shape[] {
  if (shapes) return shapes;
  const topo = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const all = feature(topo, topo.objects.countries) as FeatureCollection<Geometry, { name: string }>;
  // Antarctica has no victims and would take a fifth of the height.
  const fc: FeatureCollection<Geometry, { name: string }> = { ...all, features: all.features.filter((f) => f.properties.name !== 'Antarctica') };
  const projection = geoNaturalEarth1().fitSize([WIDTH, HEIGHT], fc);
  const path = geoPath(projection);
  shapes = fc.features
    .map((f) => {
      const id = f.id === undefined ? undefined : String(f.id);
      const code = id !== undefined ? ALPHA2_BY_NUMERIC[id] ?? null : f.properties.name === 'Kosovo' ? 'XK' : null;
      return { code, name: f.properties.name, d: path(f) ?? '' };
    });
  return shapes;
}

/** Five classes of count, by share of the largest. */
function level(count: number, max: number): number {
  if (count <= 0) return 0;
  return Math.min(5, 1 + Math.floor((Math.log(count) / Math.log(Math.max(2, max))) * 4));
}

export function WorldMap(props: { campaign: string; counts: { code: string; name: string; count: number }[] }) {
  const byCode = new Map(props.counts.map((c) => [c.code, c]));
  const max = Math.max(1, ...props.counts.map((c) => c.count));
  return (
    <svg class="world-map" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Victims by country">
      {worldShapes().map((s, i) => {
        const c = s.code !== null ? byCode.get(s.code) : undefined;
        if (!c) return <path key={i} d={s.d} class="land"><title>{s.name}</title></path>;
        return (
          <a key={i} href={href('victims', { campaign: props.campaign, country: c.code })} class={`country l${level(c.count, max)}`} data-code={c.code}>
            <path d={s.d}><title>{`${c.name}: ${c.count} victim${c.count === 1 ? '' : 's'}`}</title></path>
          </a>
        );
      })}
    </svg>
  );
}
