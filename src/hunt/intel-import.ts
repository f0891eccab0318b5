/**
 * `sightline intel import`: reads intel files (STIX, MISP, IOC lists, YARA),
 * flags warninglisted values, and merges the indicators into the case in
 * batches. The readers are pure (src/intel); this module does the I/O.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { basename, extname, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CampaignInfo, IntelItem } from '../core/model.js';
import { diag, quoteForDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { STORE_BATCH_ROWS } from '../core/limits.js';
import { detectIntelFormat, readIntel, INTEL_FORMATS, readWarninglist, type IntelFormat } from '../intel/index.js';
import { WarninglistIndex } from '../matching/index.js';
import type { Warninglist } from '../core/warninglist.js';
import type { ImportCounts, IndicatorInput, Store } from '../store/store.js';
import { walkPaths } from '../samples/index.js';
import { NO_PROGRESS, type ProgressListener } from './events.js';
import { readFileHead } from './file-head.js';

/** Bytes read to detect a file's format. */
const DETECT_HEAD_BYTES = 64 * 1024;
/** Warninglist warnings printed per file before they are summarised. */
const MAX_WARNINGLIST_NOTES = 20;

export interface IntelImportOptions {
  campaign?: string;
  format?: IntelFormat | 'auto';
  /** Warninglists to flag with; default: the ones shipped in data/warninglists. */
  warninglists?: WarninglistIndex;
  onDiagnostic(d: Diagnostic): void;
  /** Told the bytes to read and the indicators merged as the import goes. */
  progress?: ProgressListener;
}

export interface IntelImportResult extends ImportCounts {
  files: number;
  /** Files read, by format. */
  formats: Partial<Record<IntelFormat, number>>;
  /** Diagnostics of severity error (things skipped). */
  errors: number;
  warninglisted: number;
}

/** The folder of MISP warninglists shipped with the package (`data/warninglists`). */
export function defaultWarninglistDir(): string {
  // src/hunt/ and dist/hunt/ both sit two levels below the package root.
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'warninglists');
}

/** Loads every `<name>/list.json` under a folder of MISP warninglists and indexes them (matching/warninglist-index.ts). */
export function loadWarninglists(dir: string = defaultWarninglistDir()): WarninglistIndex {
  const lists: Warninglist[] = [];
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name, 'list.json');
      if (!existsSync(p)) continue;
      try {
        // Named by its folder (public-dns-v4), the name analysts know it by.
        const l = readWarninglist(JSON.parse(readFileSync(p, 'utf8')) as unknown, name);
        if (l !== null) lists.push(l);
      } catch {
        // a broken shipped list is a packaging bug; the others still apply
      }
    }
  }
  return WarninglistIndex.build(lists);
}

/** The campaign an un-named source's indicators go to: the file's base name without extension. */
function fileCampaign(path: string): string {
  const b = basename(path);
  const e = extname(b);
  return e && e !== b ? b.slice(0, -e.length) : b;
}

/** Imports intel files and directories into the case. */
export async function importIntel(store: Store, paths: readonly string[], opts: IntelImportOptions): Promise<IntelImportResult> {
  const result: IntelImportResult = { added: 0, merged: 0, files: 0, formats: {}, errors: 0, warninglisted: 0 };
  const progress = opts.progress ?? NO_PROGRESS;
  const report = (d: Diagnostic) => {
    if (d.severity === 'error') result.errors++;
    opts.onDiagnostic(d);
  };
  const files = [];
  for await (const f of walkPaths(paths, { onDiagnostic: report })) files.push(f);
  const total = files.reduce((n, f) => n + f.size, 0);
  progress.start(total, 'indicators');
  const lists = opts.warninglists ?? loadWarninglists();
  const override = opts.campaign;

  for (const f of files) {
    let format: IntelFormat | null;
    if (f.size === 0) {
      report(diag('unknown-format', f.path, `empty file; known formats are: ${INTEL_FORMATS.join(', ')}`));
      continue;
    }
    try {
      format = opts.format && opts.format !== 'auto' ? opts.format : detectIntelFormat(await readFileHead(f.path, DETECT_HEAD_BYTES), f.path);
    } catch (e) {
      report(diag('unreadable', f.path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`));
      continue;
    }
    if (!format) {
      report(diag('unknown-format', f.path, `not a known intel format; known formats are: ${INTEL_FORMATS.join(', ')}`));
      continue;
    }
    let data: Buffer;
    try {
      data = readFileSync(f.path);
    } catch (e) {
      report(diag('unreadable', f.path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`));
      continue;
    }
    result.files++;
    result.formats[format] = (result.formats[format] ?? 0) + 1;
    const source = basename(f.path);
    const fallback = [fileCampaign(f.path)];
    let batch: IndicatorInput[] = [];
    const writes: Promise<ImportCounts>[] = [];
    const campaigns: CampaignInfo[] = [];
    let notes = 0;
    let items = 0;
    // Store writes start synchronously (SQLite does all its work before
    // its promise settles), so batches are flushed while the reader runs
    // and memory stays near the size of the input.
    const flush = () => {
      if (batch.length === 0) return;
      writes.push(store.addIndicators(batch));
      progress.advance(0, batch.length);
      batch = [];
    };
    readIntel(data, f.path, format, {
      item(i: IntelItem) {
        items++;
        const wl = lists.check(i.type, i.value);
        if (wl !== null) {
          result.warninglisted++;
          if (notes++ < MAX_WARNINGLIST_NOTES) {
            opts.onDiagnostic(diag('warninglisted', f.path,
              `warning: ${i.type} ${quoteForDiagnostic(i.value)} is on warninglist ${wl}: imported, not hunted unless --include-warninglisted`,
              i.line !== undefined ? { line: i.line } : {}));
          }
        }
        const names = override !== undefined ? [override] : i.campaigns.length > 0 ? i.campaigns : fallback;
        for (const campaign of names) {
          const row: IndicatorInput = { type: i.type, value: i.value, campaign, source, warninglist: wl };
          if (i.description !== undefined) row.description = i.description;
          if (i.ruleSource !== undefined) row.ruleSource = i.ruleSource;
          batch.push(row);
        }
        if (batch.length >= STORE_BATCH_ROWS) flush();
      },
      campaign(c: CampaignInfo) {
        if (override === undefined) campaigns.push(c);
      },
      diagnostic: report,
    });
    if (notes > MAX_WARNINGLIST_NOTES) {
      opts.onDiagnostic(diag('warninglisted', f.path, `warning: ${notes - MAX_WARNINGLIST_NOTES} more warninglisted indicators not listed`));
    }
    // Campaigns first, so indicators that name an alias land on its campaign.
    if (campaigns.length > 0) await store.addCampaigns(campaigns);
    flush();
    for (const c of await Promise.all(writes)) {
      result.added += c.added;
      result.merged += c.merged;
    }
    if (override !== undefined && items > 0) await store.addCampaigns([{ name: override, aliases: [] }]);
    progress.advance(f.size);
  }
  progress.finish();
  return result;
}
