/**
 * The report's charts, drawn to SVG at build time with ECharts' server-side
 * renderer (no DOM, no script in the page). ECharts escapes the text it
 * writes into SVG; the ids it numbers from a process-wide counter are
 * renamed per figure, so the same stats give the same bytes.
 */
import type { CampaignStats } from '../analytics/types.js';
import { formatShare, formatUtcOffset } from './format.js';

type EChartsModule = typeof import('echarts/core');
type Option = import('echarts/core').EChartsCoreOption;

export const CHART_WIDTH = 760;
/** Category labels longer than this are cut (the tables below the figure hold the full text). */
const MAX_LABEL_CHARS = 28;
export const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

let loaded: Promise<EChartsModule> | null = null;

/** ECharts with only the parts the report draws, loaded on first use (about half a second). */
function loadEcharts(): Promise<EChartsModule> {
  loaded ??= (async () => {
    const [core, charts, components, renderers] = await Promise.all([
      import('echarts/core'), import('echarts/charts'), import('echarts/components'), import('echarts/renderers'),
    ]);
    core.use([
      charts.BarChart, charts.LineChart, charts.HeatmapChart,
      components.GridComponent, components.LegendComponent, components.VisualMapComponent, components.GraphicComponent,
      renderers.SVGRenderer,
    ]);
    return core;
  })();
  return loaded;
}

/** Renders one chart to an SVG string: static, with deterministic ids and no hover styles. */
async function renderSvg(figureId: string, option: Option, width: number, height: number, label: string): Promise<string> {
  const echarts = await loadEcharts();
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: 'sans-serif' }, ...option });
    return tidySvg(chart.renderToSVGString(), figureId, label);
  } finally {
    chart.dispose();
  }
}

/**
 * Drops what only an interactive chart needs (hover classes and their
 * <style>, ECharts' metadata attributes) and renames ECharts' generated ids
 * (`zr3-c0`, `zr3-g1`) to per-figure ones, numbered in order of appearance.
 */
export function tidySvg(svg: string, figureId: string, label: string): string {
  const names = new Map<string, string>();
  return svg
    .replace(/<style[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/ class="zr\d+-cls-\d+"/g, '')
    .replace(/ ecmeta_[a-z_]+="[^"]*"/g, '')
    .replace(/zr\d+-([a-z]+)-?\d+/g, (token, kind: string) => {
      let name = names.get(token);
      if (name === undefined) {
        name = `${figureId}-${kind}-${names.size}`;
        names.set(token, name);
      }
      return name;
    })
    .replace(/^<svg /, `<svg role="img" aria-label="${label.replace(/[&<>"']/g, '')}" `)
    .replace(/\n+/g, '\n')
    .trim();
}

function cut(s: string): string {
  return s.length > MAX_LABEL_CHARS ? `${s.slice(0, MAX_LABEL_CHARS - 1)}…` : s;
}

const AXIS_TEXT = { color: '#333', fontSize: 11 };

/** Victims per sector, largest first, each bar labelled with its count and share. */
export function sectorsChart(stats: CampaignStats): Promise<string> | null {
  const rows = stats.victims.bySector;
  if (rows.length === 0) return null;
  const height = Math.max(160, 40 + rows.length * 26);
  return renderSvg('fig-sectors', {
    grid: { left: 190, right: 90, top: 10, bottom: 30 },
    xAxis: { type: 'value', minInterval: 1, axisLabel: AXIS_TEXT },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => cut(r.sector)), axisLabel: AXIS_TEXT },
    series: [{
      type: 'bar', name: 'victims', color: '#3b6ea8',
      data: rows.map((r) => ({ value: r.count, label: { show: true, position: 'right', formatter: `${r.count} (${formatShare(r.share)})` } })),
    }],
  }, CHART_WIDTH, height, 'Victims by sector');
}

/** Sightings (bars) and new victims (line) per month. */
export function timelineChart(stats: CampaignStats): Promise<string> | null {
  const months = stats.timeline.byMonth;
  if (months.length === 0) return null;
  return renderSvg('fig-timeline', {
    legend: { top: 0, itemGap: 40, data: ['sightings', 'new victims'] },
    grid: { left: 60, right: 60, top: 36, bottom: 50 },
    xAxis: { type: 'category', data: months.map((m) => m.month), axisLabel: { ...AXIS_TEXT, rotate: 45 } },
    yAxis: [
      { type: 'value', name: 'sightings', minInterval: 1, axisLabel: AXIS_TEXT },
      { type: 'value', name: 'new victims', minInterval: 1, axisLabel: AXIS_TEXT, splitLine: { show: false } },
    ],
    series: [
      { type: 'bar', name: 'sightings', color: '#3b6ea8', data: months.map((m) => m.sightings) },
      { type: 'line', name: 'new victims', color: '#c8502a', yAxisIndex: 1, symbolSize: 5, data: months.map((m) => m.newVictims) },
    ],
  }, CHART_WIDTH, 320, 'Sightings and new victims per month');
}

/** Builds per compile year, every year from the first to the last (empty years as 0). */
export function buildsChart(stats: CampaignStats): Promise<string> | null {
  const years = stats.builds.byYear;
  if (years.length === 0) return null;
  const first = Math.min(...years.map((y) => y.year));
  const last = Math.max(...years.map((y) => y.year));
  const byYear = new Map(years.map((y) => [y.year, y.count]));
  const all: number[] = [];
  for (let y = first; y <= last; y++) all.push(y);
  return renderSvg('fig-builds', {
    grid: { left: 60, right: 20, top: 20, bottom: 40 },
    xAxis: { type: 'category', data: all.map(String), axisLabel: AXIS_TEXT },
    yAxis: { type: 'value', minInterval: 1, axisLabel: AXIS_TEXT },
    series: [{ type: 'bar', name: 'builds', color: '#3b6ea8', data: all.map((y) => byYear.get(y) ?? 0), label: { show: true, position: 'top' } }],
  }, CHART_WIDTH, 260, 'Builds per compile year');
}

/** Geometry of the hour-of-week grid, in pixels. */
const HOURS = { left: 50, top: 16, cellW: 28, cellH: 24 };

/**
 * The cells of local Mon–Fri 08:00–18:00 at `utcOffset` hours east of UTC,
 * as rectangles on the UTC grid: [day row, first hour, last hour (exclusive)],
 * split where a working day crosses midnight UTC (and wrapping Sunday ↔ Monday).
 */
export function workingWindowCells(utcOffset: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let day = 0; day < 5; day++) {
    let start = day * 24 + 8 - utcOffset;
    const end = day * 24 + 18 - utcOffset;
    while (start < end) {
      const wrapped = ((start % 168) + 168) % 168;
      const row = Math.floor(wrapped / 24);
      const from = wrapped - row * 24;
      const to = Math.min(24, from + (end - start));
      out.push([row, from, to]);
      start += to - from;
    }
  }
  return out;
}

/** Build times by hour of week in UTC, with the fitted working day outlined. */
export function hoursChart(stats: CampaignStats): Promise<string> | null {
  const counts = stats.authorship.hourOfWeek;
  if (counts.length !== 168 || counts.every((c) => c === 0)) return null;
  const data: [number, number, number][] = counts.map((c, i) => [i % 24, Math.floor(i / 24), c]);
  const max = Math.max(...counts);
  const gridW = HOURS.cellW * 24;
  const gridH = HOURS.cellH * 7;
  const offset = stats.authorship.utcOffset;
  const outline = offset === null ? [] : workingWindowCells(offset).map(([row, from, to]) => ({
    type: 'rect',
    shape: { x: HOURS.left + from * HOURS.cellW, y: HOURS.top + row * HOURS.cellH, width: (to - from) * HOURS.cellW, height: HOURS.cellH },
    style: { fill: 'none', stroke: '#c8502a', lineWidth: 2 },
    silent: true,
    z: 100,
  }));
  const graphic: unknown[] = [...outline];
  if (offset !== null) {
    graphic.push({
      type: 'text', left: HOURS.left, top: HOURS.top + gridH + 44, silent: true,
      style: { text: `outlined: Mon–Fri 08:00–18:00 at ${formatUtcOffset(offset)}`, fill: '#c8502a', font: '12px sans-serif' },
    });
  }
  return renderSvg('fig-hours', {
    grid: { left: HOURS.left, top: HOURS.top, width: gridW, height: gridH },
    xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')), splitArea: { show: false }, axisLabel: AXIS_TEXT, name: 'UTC', nameLocation: 'middle', nameGap: 22 },
    yAxis: { type: 'category', inverse: true, data: DAY_NAMES, axisLabel: AXIS_TEXT },
    visualMap: { min: 0, max: Math.max(1, max), text: [`${Math.max(1, max)} builds`, '0'], calculable: false, orient: 'vertical', right: 0, top: HOURS.top, itemHeight: gridH - 40, inRange: { color: ['#f4f6fa', '#9cb6d8', '#1f4e8c'] }, textStyle: AXIS_TEXT },
    series: [{ type: 'heatmap', name: 'builds', data, itemStyle: { borderColor: '#fff', borderWidth: 1 } }],
    graphic,
  }, CHART_WIDTH, HOURS.top + gridH + 64, 'Build times by hour of week (UTC)');
}

/** Victims and indicators shared with each overlapping campaign. */
export function overlapChart(stats: CampaignStats): Promise<string> | null {
  const rows = stats.overlap;
  if (rows.length === 0) return null;
  return renderSvg('fig-overlap', {
    legend: { top: 0, left: 190, itemGap: 40, data: ['shared victims', 'shared indicators'] },
    grid: { left: 190, right: 60, top: 30, bottom: 30 },
    xAxis: { type: 'value', minInterval: 1, axisLabel: AXIS_TEXT },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => cut(r.campaign)), axisLabel: AXIS_TEXT },
    series: [
      { type: 'bar', name: 'shared victims', color: '#3b6ea8', data: rows.map((r) => r.sharedVictims), label: { show: true, position: 'right' } },
      { type: 'bar', name: 'shared indicators', color: '#9cb6d8', data: rows.map((r) => r.sharedIndicators), label: { show: true, position: 'right' } },
    ],
  }, CHART_WIDTH, Math.max(140, 70 + rows.length * 44), 'Overlap with other campaigns');
}
