/**
 * The API's write routes (analysts only; docs/api.md): uploads of intel and
 * evidence, each streamed to a file under the upload folder and then
 * imported or hunted as a background job; and the asset directory.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context, Hono } from 'hono';
import {
  HUNT_FORMATS, INTEL_FORMATS, formatDiagnostic, hunt, importIntel, parseAssetCsv, type IntelFormat, type Store,
} from '../index.js';
import { ApiError } from './errors.js';
import type { Job, JobRunner } from './jobs.js';
import { MULTIPART_OVERHEAD_BYTES, receiveUpload, type ReceivedUpload } from './multipart.js';
import { Query } from './params.js';
import type { AppEnv } from './security.js';

/** Largest asset directory CSV (it is parsed in memory). */
export const MAX_ASSETS_BYTES = 64 * 1024 * 1024;
/** Diagnostics of an asset import returned as text (the count goes on). */
const MAX_ASSET_MESSAGES = 50;
/** Longest campaign name a form field may give. */
const MAX_CAMPAIGN_CHARS = 256;

export interface WriteContext {
  store: Store;
  jobs: JobRunner;
  uploadDir: string;
  maxUploadBytes: number;
  /** Worker threads a hunt may use (default: the library's). */
  huntWorkers?: number;
}

/** Streams the request's `file` part into a new folder of its own under the upload folder. */
async function upload(c: Context, ctx: WriteContext, fields: readonly string[], maxFileBytes: number): Promise<{ dir: string; up: ReceivedUpload }> {
  const length = c.req.header('Content-Length');
  if (length !== undefined && /^\d+$/.test(length) && Number(length) > maxFileBytes + MULTIPART_OVERHEAD_BYTES) {
    throw new ApiError('too-large', `the upload is larger than the limit (${maxFileBytes} bytes)`);
  }
  const dir = join(ctx.uploadDir, randomBytes(12).toString('base64url'));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    const up = await receiveUpload(c.req.raw.body, c.req.header('Content-Type'), dir, { fileField: 'file', fields, maxFileBytes });
    return { dir, up };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

function campaignField(up: ReceivedUpload): string | undefined {
  const v = up.fields['campaign']?.trim();
  if (v === undefined || v === '') return undefined;
  if (v.length > MAX_CAMPAIGN_CHARS || /[\x00-\x1f\x7f]/.test(v)) throw new ApiError('bad-request', `campaign is a name of at most ${MAX_CAMPAIGN_CHARS} characters`);
  return v;
}

function formatField<T extends string>(up: ReceivedUpload, formats: readonly T[]): T | 'auto' {
  const v = up.fields['format']?.trim();
  if (v === undefined || v === '' || v === 'auto') return 'auto';
  if (!(formats as readonly string[]).includes(v)) throw new ApiError('bad-request', `format is auto or one of ${formats.join(', ')}`);
  return v as T;
}

const accepted = (c: Context, job: Job) => {
  c.header('Location', `/api/jobs/${job.id}`);
  return c.json({ job }, 202);
};

export function writeRoutes(app: Hono<AppEnv>, ctx: WriteContext): void {
  const { store, jobs } = ctx;

  app.post('/api/intel', async (c) => {
    new Query(c.req.url, []);
    const { dir, up } = await upload(c, ctx, ['campaign', 'format'], ctx.maxUploadBytes);
    let campaign: string | undefined;
    let format: IntelFormat | 'auto';
    try {
      campaign = campaignField(up);
      format = formatField(up, INTEL_FORMATS);
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
    const job = jobs.submit('intel', { name: up.file.name, size: up.file.size, sha256: up.file.sha256 }, async ({ progress, onDiagnostic }) => {
      const r = await importIntel(store, [up.file.path], { ...(campaign !== undefined ? { campaign } : {}), format, progress, onDiagnostic });
      return { ...r };
    }, () => rm(dir, { recursive: true, force: true })); // the indicators are in the case now: the file is not kept
    return accepted(c, job);
  });

  app.post('/api/hunts', async (c) => {
    new Query(c.req.url, []);
    const { dir, up } = await upload(c, ctx, ['campaign', 'format'], ctx.maxUploadBytes);
    let campaign: string | undefined;
    let format: string;
    try {
      campaign = campaignField(up);
      format = formatField(up, HUNT_FORMATS);
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
    // The file is kept where it was written: the case's sightings point at its path and lines, and rehunt reads it again.
    const job = jobs.submit('hunt', { name: up.file.name, size: up.file.size, sha256: up.file.sha256 }, async ({ progress, onDiagnostic }) => {
      const notices: string[] = [];
      const r = await hunt(store, [up.file.path], {
        ...(campaign !== undefined ? { campaign } : {}), format, progress, onDiagnostic,
        ...(ctx.huntWorkers !== undefined ? { workers: ctx.huntWorkers } : {}),
        onSighting: () => {},
        onNotice: (m) => { if (notices.length < 20) notices.push(m); },
      });
      // The evidence its sightings are under (another path's when the case already held the same content).
      const [evidence] = await store.pageEvidence({ sha256: up.file.sha256 }, 1);
      return { ...r, notices, evidence: evidence ? { id: evidence.id, path: evidence.path } : null };
    });
    return accepted(c, job);
  });

  app.post('/api/assets', async (c) => {
    new Query(c.req.url, []);
    const { dir, up } = await upload(c, ctx, [], Math.min(ctx.maxUploadBytes, MAX_ASSETS_BYTES));
    try {
      const text = await readFile(up.file.path, 'utf8');
      const { assets, diagnostics } = parseAssetCsv(text, up.file.name);
      const { added, replaced } = await store.addAssets(assets);
      return c.json({
        added, replaced, skipped: diagnostics.filter((d) => d.severity === 'error').length,
        diagnostics: { count: diagnostics.length, messages: diagnostics.slice(0, MAX_ASSET_MESSAGES).map(formatDiagnostic) },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}


