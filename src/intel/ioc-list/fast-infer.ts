/**
 * A fast path in front of core's inferIndicator for the values IOC lists are
 * mostly made of (plain lower-case host names, dotted quads, hex hashes).
 * It gives exactly inferIndicator's result; anything unusual goes to it.
 */
import type { IndicatorType } from '../../core/model.js';
import { inferIndicator } from '../../core/normalize.js';
import { parseIPv4At } from '../../core/ip.js';

/** Most distinct top-level labels remembered (a hostile list cannot grow the cache without bound). */
export const MAX_TLD_CACHE = 4096;

/** Whether a name under a top-level label is a domain (ICANN TLD) or a file name; learned from inferIndicator. */
const tldIsDomain = new Map<string, boolean>();

/** Infers and normalises one value, as inferIndicator does, faster for the common shapes. */
export function inferIndicatorFast(v: string): { type: IndicatorType; value: string } | null {
  const n = v.length;
  if (n === 0 || n > 253) return inferIndicator(v);
  let digits = 0, dots = 0, hex = 0, other = 0, upper = 0, hyphens = 0;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46) dots++;
    else if (c >= 97 && c <= 122) { if (c <= 102) hex++; }
    else if (c >= 65 && c <= 90) { upper++; if (c <= 70) hex++; }
    else if (c === 45) hyphens++;
    else { other++; break; }
  }
  if (other > 0) return inferIndicator(v);
  if (dots === 0 && hyphens === 0 && digits + hex === n) {
    if (n === 32) return { type: 'md5', value: v.toLowerCase() };
    if (n === 40) return { type: 'sha1', value: v.toLowerCase() };
    if (n === 64) return { type: 'sha256', value: v.toLowerCase() };
    return inferIndicator(v);
  }
  if (dots === 3 && digits === n - 3) {
    // Digits and dots only: an address is already in its normal form.
    return parseIPv4At(v, 0, n) < 0 ? inferIndicator(v) : { type: 'ipv4', value: v };
  }
  if (dots === 0 || upper > 0 || digits + dots === n) return inferIndicator(v);
  // Lower-case letters, digits, hyphens and dots: check the labels as normalizeDomain does.
  let labelStart = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && v.charCodeAt(i) !== 46) continue;
    const len = i - labelStart;
    if (len === 0 || len > 63 || v.charCodeAt(labelStart) === 45 || v.charCodeAt(i - 1) === 45) return inferIndicator(v);
    labelStart = i + 1;
  }
  const tld = v.slice(v.lastIndexOf('.') + 1);
  const isDomain = tldIsDomain.get(tld);
  if (isDomain === undefined) {
    const r = inferIndicator(v);
    if (r === null || (r.type !== 'domain' && r.type !== 'filename') || r.value !== v) return r;
    if (tldIsDomain.size < MAX_TLD_CACHE) tldIsDomain.set(tld, r.type === 'domain');
    return r;
  }
  return { type: isDomain ? 'domain' : 'filename', value: v };
}
