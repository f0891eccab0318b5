/**
 * Sightline's public library API, curated by hand. The CLI and the server
 * use only what is exported here; so do scripts that embed Sightline.
 */
import { createRequire } from 'node:module';
import type * as HuntModule from './hunt/hunt.js';
import type * as QueueModule from './queue/index.js';
import type * as ReportModule from './report/write-report.js';
import type * as ReportCaseModule from './report/from-case.js';

/** The package version. */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

// Concepts
export type {
  IndicatorType, IntelItem, CampaignInfo, Indicator, Campaign, ObservedKind, Observation, Sighting,
  SightingEvidence, EvidenceInfo,
} from './core/model.js';
export { INDICATOR_TYPES, isIndicatorType } from './core/model.js';
export type { Diagnostic, DiagnosticCode } from './core/diagnostic.js';
export type { Warninglist, WarninglistType } from './core/warninglist.js';
export { formatDiagnostic } from './core/diagnostic.js';
export { csvField, SIGHTING_CSV_COLUMNS, sightingCsvRow } from './core/csv.js';
export {
  refang, normalizeDomain, normalizeUrl, normalizeIp, normalizeCidr, normalizeFilename, normalizeEmail,
  normalizeIndicator, inferIndicator, canonicalIPv6,
} from './core/normalize.js';

// Intel
export { INTEL_FORMATS, detectIntelFormat, readIntel, readWarninglist, readReport, scanReport } from './intel/index.js';
export type { IntelFormat, IntelSink, ReportReadOptions, ReportReading, ReportFinding, ReportDrop, ReportKind } from './intel/index.js';

// Matching
export { IndicatorIndex, WarninglistIndex } from './matching/index.js';

// The case
export { openStore, DEFAULT_CASE, isPostgresLocation, shownLocation } from './store/index.js';
export type {
  Store, IndicatorInput, IndicatorFilter, HuntFilter, HuntIndicator, SightingFilter, SightingInput, ImportCounts,
  StoredEvidence, EvidenceWriter, SampleInput, SampleRecord, SampleFilter, AssetRecord, CampaignActivity, CampaignOverlap,
  SourceActivity, IndicatorActivity, SightingRow, SightingOrder, SightingTimeKey, SampleRow, IndicatorRow, EvidenceRow, EvidenceFilter, CaseRevision, ApiRole, ApiToken,
} from './store/index.js';
export { API_ROLES, isApiRole, generateApiToken, findApiToken } from './store/index.js';

// Samples
export { parsePe } from './samples/pe/index.js';
export type { PeFacts } from './samples/pe/index.js';
export { analyzeFile, hashBytes, detectFileType, expandArchive, YaraScanner } from './samples/index.js';
export type { SampleFacts, FileType, YaraMatch } from './samples/index.js';

// Running things
export { importIntel, loadWarninglists, defaultWarninglistDir } from './hunt/intel-import.js';
export { pullTaxii, taxiiStateName, type TaxiiPullOptions, type TaxiiPullResult, type TaxiiCollectionResult } from './sync/taxii-pull.js';
export { TaxiiError, type TaxiiAuth } from './sync/taxii-client.js';
export type { IntelImportOptions, IntelImportResult } from './hunt/intel-import.js';
export { previewReports, MAX_REPORT_BYTES } from './hunt/report-import.js';
export type { ReportPreview, ReportPreviewOptions } from './hunt/report-import.js';
export { HUNT_FORMATS, FILES_FORMAT, NothingToHuntError } from './hunt/formats.js';
export type { HuntOptions, HuntResult, RehuntOptions } from './hunt/hunt.js';
/** Hunts evidence files and folders (src/hunt/hunt.ts; loaded on first use: commands that only read a case start faster). */
export async function hunt(...args: Parameters<typeof HuntModule.hunt>): ReturnType<typeof HuntModule.hunt> {
  return (await import('./hunt/hunt.js')).hunt(...args);
}
/** Hunts the case's evidence again for the indicators it has not met (src/hunt/hunt.ts; loaded on first use). */
export async function rehunt(...args: Parameters<typeof HuntModule.rehunt>): ReturnType<typeof HuntModule.rehunt> {
  return (await import('./hunt/hunt.js')).rehunt(...args);
}
export type { ProgressListener } from './hunt/events.js';

// Hunts across machines (src/queue/; loaded on first use: pg-boss and pg are needed only here)
export type { QueueOptions, WorkerOptions, QueuedHunt } from './queue/index.js';
/** `hunt --queue`: submits a hunt as jobs to a PostgreSQL job queue and waits for the workers (src/queue/submit.ts). */
export async function huntOnQueue(...args: Parameters<typeof QueueModule.huntOnQueue>): ReturnType<typeof QueueModule.huntOnQueue> {
  return (await import('./queue/index.js')).huntOnQueue(...args);
}
/** `rehunt --queue` (src/queue/submit.ts). */
export async function rehuntOnQueue(...args: Parameters<typeof QueueModule.rehuntOnQueue>): ReturnType<typeof QueueModule.rehuntOnQueue> {
  return (await import('./queue/index.js')).rehuntOnQueue(...args);
}
/** `sightline worker`: takes hunt jobs from the queue until the signal is aborted (src/queue/worker.ts). */
export async function runWorker(...args: Parameters<typeof QueueModule.runWorker>): ReturnType<typeof QueueModule.runWorker> {
  return (await import('./queue/index.js')).runWorker(...args);
}
/** `sightline jobs`: the queue's hunts and their jobs' states (src/queue/jobs.ts). */
export async function listQueuedHunts(...args: Parameters<typeof QueueModule.listQueuedHunts>): ReturnType<typeof QueueModule.listQueuedHunts> {
  return (await import('./queue/index.js')).listQueuedHunts(...args);
}
export { DEFAULT_LEASE_SECONDS } from './queue/defaults.js';
export { startWorker, workerUrl } from './hunt/worker-pool.js';

// Enrichment and analytics
export { Enricher, openGeo, openAsn, loadSectorRules, sectorOf, parseAssetCsv, AssetDirectory, GEO_CREDITS, ASN_CREDITS } from './enrich/index.js';
export type { Enrichment, Asset, Geo, AsnDb } from './enrich/index.js';
export { campaignStats, victimsOf, openCaseEnricher, campaignsToMeasure, UNKNOWN_COUNTRY } from './analytics/index.js';
export type {
  CampaignStats, Victim, BuildsStats, BuildVariant, AuthorshipStats, OverlapEntry, HostEnricher, HostEnrichment, EnrichOptions,
} from './analytics/index.js';

// The report
export { loadPublished } from './report/published.js';
export { findChromium } from './report/pdf.js';
export { buildStixBundle } from './report/stix.js';
export { TLP_LEVELS, REPORT_FILES } from './report/types.js';
/** Writes a report folder (src/report/write-report.ts; loaded on first use). */
export async function writeReport(...args: Parameters<typeof ReportModule.writeReport>): ReturnType<typeof ReportModule.writeReport> {
  return (await import('./report/write-report.js')).writeReport(...args);
}
/** A report's input read from a case (src/report/from-case.ts; loaded on first use). */
export async function reportInputFromCase(...args: Parameters<typeof ReportCaseModule.reportInputFromCase>): ReturnType<typeof ReportCaseModule.reportInputFromCase> {
  return (await import('./report/from-case.js')).reportInputFromCase(...args);
}
export type { ReportInput, ReportOutcome, ReportOptions, PublishedFigures, Tlp, CaseReportOptions } from './report/index.js';
