/**
 * The dashboard's one way to the API: same-origin fetches with the bearer
 * token when one was given (kept in this tab's sessionStorage, never a
 * cookie), and the API's error shape turned into an ApiError.
 */
import type { CampaignStats, Victim } from '../../src/analytics/types.js';
import type { Campaign, Indicator, Sighting } from '../../src/core/model.js';

const TOKEN_KEY = 'sightline-token';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

export function authHeaders(): Record<string, string> {
  const t = getToken();
  return t ? { Authorization: `Bearer ${t}` } : {};
}

/** Listeners told when the API says a token is needed. */
const unauthorised = new Set<() => void>();
export function onUnauthorised(fn: () => void): () => void {
  unauthorised.add(fn);
  return () => unauthorised.delete(fn);
}

export async function errorOf(res: Response): Promise<ApiError> {
  let code = 'error';
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = await res.json() as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch { /* not the API's JSON */ }
  if (res.status === 401) for (const fn of unauthorised) fn();
  return new ApiError(res.status, code, message);
}

export async function getJson<T>(path: string, params?: Record<string, string | number | undefined>): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== '') q.set(k, String(v));
  const qs = q.toString();
  const res = await fetch(qs ? `${path}?${qs}` : path, { headers: authHeaders(), credentials: 'omit' });
  if (!res.ok) throw await errorOf(res);
  return await res.json() as T;
}

export type { CampaignStats, Victim, Campaign, Indicator, Sighting };

export interface WhoAmI { role: 'reader' | 'analyst'; auth: 'required' | 'auto'; version: string; maxUploadBytes: number; credits: string[] }
export interface VictimRow extends Victim { campaign: string; indicatorCount: number }
export interface VictimPage { total: number; offset: number; limit: number; nextOffset: number | null; victims: VictimRow[] }
export interface SightingRow extends Sighting { id: number; evidenceId: number }
export interface SightingPage { sightings: SightingRow[]; next: string | null }
export interface SampleRow {
  id: number; sha256: string; md5: string; sha1: string; size: number; type: string; paths: string[]; campaigns: string[]; yara: string[];
  pe: { timestamp?: string | null; machine?: string; pdb?: string | null } | null;
}
export interface SamplePage { samples: SampleRow[]; next: string | null }
export interface IndicatorRow extends Indicator { id: number; sightings: number }
export interface IndicatorPage { indicators: IndicatorRow[]; next: string | null }
export interface EvidenceRow {
  id: number; path: string; sha256: string; format: string; size: number; lines: number; records: number; skipped: number;
  huntedAt: string; mtimeMs: number; families: string[]; sightings: number;
}
export interface EvidencePage { evidence: EvidenceRow[]; next: string | null }
export interface Job {
  id: string; kind: 'intel' | 'hunt'; state: 'queued' | 'running' | 'done' | 'failed';
  file: { name: string; size: number; sha256: string };
  createdAt: string; startedAt: string | null; finishedAt: string | null;
  progress: { bytes: number; total: number | null; items: number; label: string | null };
  result: Record<string, unknown> | null;
  diagnostics: { count: number; errors: number; messages: string[] };
  error: string | null;
}
