/**
 * Turns an analysed file into the observations matching looks up: its three
 * hashes and its base name. YARA hits are not observations: they come back
 * from YaraScanner.scan as YaraMatch, and the hunt turns them into sightings.
 */
import type { Observation } from '../core/model.js';
import type { SampleFacts } from './analyze-file.js';

/** The base name of a path or archive member path (`a/b\\c.exe` → `c.exe`, `x.zip!in/y.dll` → `y.dll`). */
export function baseNameOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'), path.lastIndexOf('!'));
  return path.slice(cut + 1);
}

/**
 * The observations a scanned file yields: 'file.md5', 'file.sha1', 'file.sha256'
 * (kind 'hash'), 'file.imphash' (kind 'imphash', a PE with imports only) and 'file.name' (kind 'filename', the base name of the member
 * when `inside` is given, else of `path`; omitted when empty). `inside` is set
 * on each when the file came from an archive.
 */
export function fileObservations(path: string, inside: string | undefined, facts: SampleFacts): Observation[] {
  const base = { ts: null, src: null, dst: null, ...(inside !== undefined ? { inside } : {}) };
  const out: Observation[] = [
    { field: 'file.md5', kind: 'hash', value: facts.md5, ...base },
    { field: 'file.sha1', kind: 'hash', value: facts.sha1, ...base },
    { field: 'file.sha256', kind: 'hash', value: facts.sha256, ...base },
  ];
  if (facts.pe !== null && facts.pe.imphash !== '') out.push({ field: 'file.imphash', kind: 'imphash', value: facts.pe.imphash, ...base });
  const name = baseNameOf(inside ?? path);
  if (name !== '') out.push({ field: 'file.name', kind: 'filename', value: name, ...base });
  return out;
}
