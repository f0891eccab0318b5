/**
 * Windows events → observations, whatever the reader (EVTX, JSON lines, XML).
 * `src` is the host the event was logged on (`Computer`); a connection's
 * `dst` is its remote end. Every observation carries the event's record
 * number and, when the event names one, the process (image, pid, guid).
 *
 * Mapped (docs/design.md, Evidence formats):
 * - Sysmon 1 (process created): `Hashes` → `file.md5`/`file.sha1`/
 *   `file.sha256`/`file.imphash`; `Image`, `OriginalFileName` → `file.name`;
 *   the `CommandLine` read as text (`text.*`).
 * - Sysmon 3 (network connection): `conn.orig_h` (SourceIp), `conn.resp_h`
 *   (DestinationIp), `conn.resp_name` (DestinationHostname).
 * - Sysmon 6, 7 (driver, image loaded): the loaded file's hashes and name.
 * - Sysmon 11 (file created): `file.name`; 15 (stream hash): `Hash`, name;
 *   23, 26 (file deleted): hashes, name.
 * - Sysmon 22 (DNS query): `dns.query`, `dns.answer` (QueryResults).
 * - Security 4688 (process created): `file.name` of NewProcessName, the
 *   CommandLine as text; 5156 (connection the Windows Filtering Platform
 *   allowed): both ends.
 * - DNS Client 3008, 3020: `dns.query`, `dns.answer`.
 * - PowerShell 4104 (script block): the script read as text (`text.*`).
 * Every other event is counted (`WinEventStats`), not reported.
 */
import type { Observation, ObservedKind, ProcessRef } from '../../core/model.js';
import { diag } from '../../core/diagnostic.js';
import { canonicalAddr, looksLikeHostName, looksLikeIp, type ObservationSink } from '../line-reader.js';
import { MAX_VALUES_PER_LINE, scanLine } from '../text/text-scan.js';
import type { WinEvent } from './event.js';
import { parsePid } from './event-values.js';

/** Longest text (a script block, a command line) read for values, in UTF-8 bytes; the rest is not read, and that is said. */
export const MAX_SCRIPT_BYTES = 1024 * 1024;
/** Most answers read from one QueryResults. */
const MAX_DNS_ANSWERS = 256;

const SYSMON = 'Microsoft-Windows-Sysmon';
const SECURITY = 'Microsoft-Windows-Security-Auditing';
const DNS_CLIENT = 'Microsoft-Windows-DNS-Client';
const POWERSHELL = 'Microsoft-Windows-PowerShell';

/** The text reader's fields, for values found in free text (command lines, script blocks). */
const TEXT_FIELD: Record<ObservedKind, string> = {
  domain: 'text.domain', ip: 'text.ip', url: 'text.url', email: 'text.email', hash: 'text.hash', filename: 'text.filename',
  imphash: 'text.imphash',
};

/** What a file's event counted: events by kind (`sysmon-22`, `security-5156`…) and those no mapping reads. */
export interface WinEventStats {
  byKind: Record<string, number>;
  unmapped: number;
}

export function newWinEventStats(): WinEventStats {
  return { byKind: {}, unmapped: 0 };
}

/** Where an event was read: its physical line in a text log (JSON lines, XML), none in an EVTX file. */
export interface EventPlace {
  path: string;
  line?: number;
  /** The event's record number (said in diagnostics when there is no line). */
  record?: number;
}

/** The family an event belongs to, by provider (or channel, when a shipper dropped the provider). */
function familyOf(ev: WinEvent): 'sysmon' | 'security' | 'dns-client' | 'powershell' | null {
  const p = ev.provider;
  const c = ev.channel;
  if (p === SYSMON || c === 'Microsoft-Windows-Sysmon/Operational') return 'sysmon';
  if (p === SECURITY || (p === '' && c === 'Security')) return 'security';
  if (p === DNS_CLIENT || c === 'Microsoft-Windows-DNS-Client/Operational') return 'dns-client';
  if (p === POWERSHELL || c === 'Microsoft-Windows-PowerShell/Operational') return 'powershell';
  return null;
}

/** Mapped event ids per family. */
const MAPPED: Record<string, ReadonlySet<number>> = {
  sysmon: new Set([1, 3, 6, 7, 11, 15, 22, 23, 26]),
  security: new Set([4688, 5156]),
  'dns-client': new Set([3008, 3020]),
  powershell: new Set([4104]),
};

/** A data value, or undefined when absent, empty or Sysmon's `-`. */
function val(ev: WinEvent, name: string): string | undefined {
  const v = ev.data[name];
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' || t === '-' ? undefined : t;
}

/**
 * Emits the observations of one event into `sink` and counts it in
 * `stats`. Never throws on odd values: an unreadable value yields nothing.
 */
export function observeWinEvent(ev: WinEvent, at: EventPlace, sink: ObservationSink, stats: WinEventStats): void {
  const family = familyOf(ev);
  if (family === null || !MAPPED[family]!.has(ev.eventId)) {
    stats.unmapped++;
    return;
  }
  if (ev.recordId !== null && at.line === undefined) at = { ...at, record: ev.recordId };
  const kind = `${family}-${ev.eventId}`;
  stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
  const src = ev.computer === '' ? null : ev.computer;
  const base: Omit<Observation, 'field' | 'kind' | 'value'> = { ts: ev.ts, src, dst: null };
  if (at.line !== undefined) base.line = at.line;
  if (ev.recordId !== null) base.record = ev.recordId;
  const emit = (field: string, k: ObservedKind, value: string, dst: string | null = null) => {
    const o: Observation = { field, kind: k, value, ...base };
    if (dst !== null) o.dst = dst;
    sink.observe(o);
  };
  switch (family) {
    case 'sysmon': return observeSysmon(ev, at, base, emit, sink);
    case 'security': return observeSecurity(ev, at, base, emit, sink);
    case 'dns-client': return observeDnsQuery(ev, 'QueryName', emit);
    case 'powershell': return observeText(val(ev, 'ScriptBlockText'), at, emit, sink, 'script block');
  }
}

type Emit = (field: string, kind: ObservedKind, value: string, dst?: string | null) => void;

function processOf(ev: WinEvent, image: string, pid: string, guid: string | null): ProcessRef | undefined {
  const p: ProcessRef = { image: val(ev, image) ?? null, pid: parsePid(val(ev, pid)), guid: guid === null ? null : val(ev, guid) ?? null };
  return p.image === null && p.pid === null && p.guid === null ? undefined : p;
}

function observeSysmon(ev: WinEvent, at: EventPlace, base: Partial<Observation>, emit: Emit, sink: ObservationSink): void {
  // Every Sysmon event but a driver load (the kernel's) names the process that did it.
  if (ev.eventId !== 6) {
    const p = processOf(ev, 'Image', 'ProcessId', 'ProcessGuid');
    if (p !== undefined) base.process = p;
  }
  switch (ev.eventId) {
    case 1:
      observeHashes(val(ev, 'Hashes'), emit);
      observeFileName(val(ev, 'Image'), emit);
      observeFileName(val(ev, 'OriginalFileName'), emit);
      observeText(val(ev, 'CommandLine'), at, emit, sink, 'command line');
      return;
    case 3: {
      const orig = val(ev, 'SourceIp');
      const resp = val(ev, 'DestinationIp');
      // Sysmon names the initiator Source; an accepted connection's remote end is then its source.
      const remote = ev.data['Initiated']?.trim().toLowerCase() === 'false' ? orig : resp;
      const dst = remote !== undefined && looksLikeIp(remote) ? canonicalAddr(remote) : null;
      if (orig !== undefined && looksLikeIp(orig)) emit('conn.orig_h', 'ip', canonicalAddr(orig), dst);
      if (resp !== undefined && looksLikeIp(resp)) emit('conn.resp_h', 'ip', canonicalAddr(resp), dst);
      const name = val(ev, 'DestinationHostname');
      if (name !== undefined && looksLikeHostName(name) && name.indexOf('.') > 0) emit('conn.resp_name', 'domain', name, dst);
      return;
    }
    case 6: case 7:
      observeHashes(val(ev, 'Hashes'), emit);
      observeFileName(val(ev, 'ImageLoaded'), emit);
      observeFileName(val(ev, 'OriginalFileName'), emit);
      return;
    case 11:
      observeFileName(val(ev, 'TargetFilename'), emit);
      return;
    case 15: case 23: case 26:
      observeHashes(val(ev, 'Hashes') ?? val(ev, 'Hash'), emit);
      observeFileName(val(ev, 'TargetFilename'), emit);
      return;
    case 22:
      observeDnsQuery(ev, 'QueryName', emit);
      return;
  }
}

function observeSecurity(ev: WinEvent, at: EventPlace, base: Partial<Observation>, emit: Emit, sink: ObservationSink): void {
  if (ev.eventId === 4688) {
    const p = processOf(ev, 'NewProcessName', 'NewProcessId', null);
    if (p !== undefined) base.process = p;
    observeFileName(val(ev, 'NewProcessName'), emit);
    observeText(val(ev, 'CommandLine'), at, emit, sink, 'command line');
    return;
  }
  // 5156: the Windows Filtering Platform writes the local end as Source whatever the direction
  // (%%14593 outbound, %%14592 inbound); the remote end is the destination.
  const p = processOf(ev, 'Application', 'ProcessID', null);
  if (p !== undefined) base.process = p;
  const local = val(ev, 'SourceAddress');
  const remote = val(ev, 'DestAddress');
  const inbound = ev.data['Direction']?.trim() === '%%14592';
  const dst = remote !== undefined && looksLikeIp(remote) ? canonicalAddr(remote) : null;
  const [orig, resp] = inbound ? [remote, local] : [local, remote];
  if (orig !== undefined && looksLikeIp(orig)) emit('conn.orig_h', 'ip', canonicalAddr(orig), dst);
  if (resp !== undefined && looksLikeIp(resp)) emit('conn.resp_h', 'ip', canonicalAddr(resp), dst);
}

/**
 * Sysmon's `Hashes` (`SHA1=…,MD5=…,SHA256=…,IMPHASH=…`, names any case) or a
 * single unnamed digest. An all-zero IMPHASH is Sysmon's "no imports".
 */
export function observeHashes(hashes: string | undefined, emit: Emit): void {
  if (hashes === undefined) return;
  for (const part of hashes.split(',', 8)) {
    const eq = part.indexOf('=');
    const alg = eq < 0 ? '' : part.slice(0, eq).trim().toUpperCase();
    const v = part.slice(eq + 1).trim();
    if (!/^[0-9a-fA-F]{32}(?:[0-9a-fA-F]{8})?(?:[0-9a-fA-F]{24})?$/.test(v)) continue;
    if (alg === 'IMPHASH') {
      if (v.length === 32 && !/^0+$/.test(v)) emit('file.imphash', 'imphash', v);
      continue;
    }
    const byLength = v.length === 32 ? 'MD5' : v.length === 40 ? 'SHA1' : v.length === 64 ? 'SHA256' : '';
    if (alg !== '' && alg !== byLength) continue;
    emit(`file.${byLength.toLowerCase()}`, 'hash', v);
  }
}

/** A path's base name as `file.name` (matching takes the base name of a Windows path). */
function observeFileName(path: string | undefined, emit: Emit): void {
  if (path === undefined || path.length > 32767) return;
  emit('file.name', 'filename', path);
}

/**
 * A DNS query and its answers: `QueryResults` is `;`-separated entries,
 * addresses (`::ffff:1.2.3.4`) or `type:  5 name` for a CNAME and other
 * record types; an answer that is no address or name gives nothing.
 */
function observeDnsQuery(ev: WinEvent, nameField: string, emit: Emit): void {
  const q = val(ev, nameField);
  if (q !== undefined && looksLikeHostName(q)) emit('dns.query', 'domain', q);
  const results = val(ev, 'QueryResults');
  if (results === undefined) return;
  let n = 0;
  for (let entry of results.split(';')) {
    if (++n > MAX_DNS_ANSWERS) break;
    entry = entry.trim();
    const typed = /^type:\s*\d+\s+(\S+)$/.exec(entry);
    if (typed) entry = typed[1]!;
    if (entry === '') continue;
    if (looksLikeIp(entry)) emit('dns.answer', 'ip', entry);
    else if (looksLikeHostName(entry) && entry.indexOf('.') > 0) emit('dns.answer', 'domain', entry);
  }
}

/** Free text (a command line, a script block) read by the text reader's scanner for domains, addresses, URLs, e-mail addresses and hashes. */
function observeText(text: string | undefined, at: EventPlace, emit: Emit, sink: ObservationSink, what: string): void {
  if (text === undefined) return;
  let b = Buffer.from(text, 'utf8');
  // A text log's event is placed by its line; an EVTX file's by its record number, in the reason.
  const where = at.line !== undefined ? { line: at.line } : {};
  const rec = at.line === undefined && at.record !== undefined ? `record ${at.record}: ` : '';
  if (b.length > MAX_SCRIPT_BYTES) {
    b = b.subarray(0, MAX_SCRIPT_BYTES);
    sink.diagnostic(diag('too-large', at.path, `${rec}${what} of ${Buffer.byteLength(text)} bytes; the first ${MAX_SCRIPT_BYTES} were read`, where));
  }
  const { values, cut } = scanLine(b, b.length);
  for (const v of values) emit(TEXT_FIELD[v.kind], v.kind, v.value);
  if (cut) {
    sink.diagnostic(diag('too-large', at.path, `${rec}more than ${MAX_VALUES_PER_LINE} values in a ${what}; the first ${MAX_VALUES_PER_LINE} were taken`, where));
  }
}
