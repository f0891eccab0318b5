/**
 * The page's one stylesheet, inline (the page loads nothing). TLP colours
 * are FIRST's TLP 2.0 ones: the label in colour on black.
 */
import type { Tlp } from './types.js';

export const TLP_COLOURS: Record<Tlp, string> = {
  clear: '#ffffff', green: '#33ff00', amber: '#ffc000', red: '#ff2b2b',
};

/** FIRST TLP 2.0's one-line meaning of each label. */
export const TLP_MEANING: Record<Tlp, string> = {
  clear: 'Recipients can spread this to the world; there is no limit on disclosure.',
  green: 'Limited disclosure: recipients can spread this within their community.',
  amber: 'Limited disclosure: recipients can only spread this on a need-to-know basis within their organization and its clients.',
  red: 'For the eyes and ears of individual recipients only, no further disclosure.',
};

export function pageCss(tlp: Tlp): string {
  return `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1d2430; background: #fff; }
header, main, nav, footer { max-width: 1100px; margin: 0 auto; padding: 0 20px; }
h1 { font-size: 28px; margin: 18px 0 4px; }
h2 { font-size: 21px; margin: 34px 0 10px; border-bottom: 2px solid #d6dce5; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 22px 0 8px; }
a { color: #1f4e8c; }
.tlp { background: #000; color: ${TLP_COLOURS[tlp]}; font-weight: 700; padding: 6px 20px; letter-spacing: 0.03em; }
.tlp span { font-weight: 400; color: #fff; margin-left: 1em; letter-spacing: 0; }
.meta { color: #556; margin: 0 0 6px; }
nav { margin: 14px auto; padding-top: 8px; padding-bottom: 8px; border-top: 1px solid #e3e7ee; border-bottom: 1px solid #e3e7ee; }
nav a { margin-right: 14px; white-space: nowrap; }
.summary p { font-size: 16px; margin: 6px 0; }
figure { margin: 18px 0 26px; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-weight: 600; margin-bottom: 6px; }
.note { color: #556; font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; margin: 6px 0 14px; }
th, td { text-align: left; vertical-align: top; padding: 3px 6px; border-bottom: 1px solid #e6e9ef; }
thead th { background: #eef1f6; border-bottom: 1px solid #c9d1dd; }
tbody th { background: #f7f8fb; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.mono, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 11.5px; word-break: break-all; }
td.addr, td.t { white-space: nowrap; }
td.addr { word-break: normal; }
table.key { width: auto; min-width: 40%; }
tbody:target th, section:target h3 { background: #fff3c4; }
.print-only { display: none; }
.diff-pos { color: #1c6b2a; } .diff-neg { color: #a3281b; }
@page {
  size: A4; margin: 16mm 12mm;
  @top-right { content: "TLP:${tlp.toUpperCase()}"; background: #000; color: ${TLP_COLOURS[tlp]}; font: 700 9pt sans-serif; padding: 0 6px; }
  @bottom-right { content: "TLP:${tlp.toUpperCase()}"; background: #000; color: ${TLP_COLOURS[tlp]}; font: 700 9pt sans-serif; padding: 0 6px; }
  @bottom-center { content: counter(page) " / " counter(pages); font: 8pt sans-serif; color: #556; }
}
@media print {
  body { font-size: 10pt; }
  nav, .screen-only, tr.more { display: none; }
  .print-only { display: inline; }
  header, main, footer { max-width: none; padding: 0; }
  .tlp { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; }
  figure { break-inside: avoid; page-break-inside: avoid; }
  figure svg { max-width: 100%; max-height: 230mm; }
  table { font-size: 8pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  td.mono { font-size: 7.5pt; }
}
`.trim();
}
