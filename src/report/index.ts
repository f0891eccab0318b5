/** The report layer's public surface (src/index.ts re-exports what the CLI needs). */
export { writeReport } from './write-report.js';
export { loadPublished, checkPublished } from './published.js';
export { findChromium, DEFAULT_CHROMIUM } from './pdf.js';
export type { PublishedResult } from './published.js';
export { buildStixBundle, stixPattern, SIGHTLINE_STIX_NAMESPACE } from './stix.js';
export type { StixBundle, StixObject } from './stix.js';
export { TLP_LEVELS, REPORT_FILES } from './types.js';
export type {
  Tlp, ReportIndicator, PublishedFigures, ReportInput, ReportOptions, ReportOutcome, PdfOutcome,
} from './types.js';
export { reportInputFromCase } from './from-case.js';
export type { CaseReportOptions } from './from-case.js';
