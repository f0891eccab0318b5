/**
 * Reduces a parsed STIX pattern to the indicator values it names, when it
 * can be read as "any of these values is a sign of the threat". Anything
 * else (LIKE, MATCHES, !=, ranges, an AND of unrelated properties, objects
 * we do not hunt) is reported as unsupported rather than guessed at.
 */
import type { IndicatorType } from '../../core/model.js';
import type { StixComparison, StixObjectPath, StixPattern } from './pattern-parser.js';
import { formatObjectPath } from './pattern-format.js';

/** One value a pattern names, not yet normalised; `type` is the family the path gives (`ip4`/`ip6` may turn out a CIDR). */
export interface PatternValue {
  type: IndicatorType | 'ip4' | 'ip6';
  raw: string;
}

/** The values, or why the pattern cannot be reduced to values. */
export type PatternReduction = { ok: true; values: PatternValue[] } | { ok: false; reason: string };

const HASH_TYPES: Record<string, IndicatorType> = { MD5: 'md5', SHA1: 'sha1', SHA256: 'sha256' };

/** The indicator family an object path stands for, or null when we do not hunt it. */
export function classifyObjectPath(p: StixObjectPath): PatternValue['type'] | null {
  const [first, second, third] = p.steps;
  if (first?.kind !== 'property') return null;
  if (p.steps.length === 1) {
    if (first.name === 'value') {
      switch (p.objectType) {
        case 'domain-name': return 'domain';
        case 'ipv4-addr': return 'ip4';
        case 'ipv6-addr': return 'ip6';
        case 'url': return 'url';
        case 'email-addr': return 'email';
        default: return null;
      }
    }
    if (first.name === 'name' && p.objectType === 'file') return 'filename';
    return null;
  }
  if (p.objectType === 'file' && p.steps.length === 2 && first.name === 'hashes' && second?.kind === 'property' && third === undefined) {
    return HASH_TYPES[second.name.toUpperCase().replace(/-/g, '')] ?? null;
  }
  // STIX 2.1 §6.7.2: the PE extension's import hash.
  if (p.objectType === 'file' && p.steps.length === 3 && first.name === 'extensions' && second?.kind === 'property'
    && second.name === 'windows-pebinary-ext' && third?.kind === 'property' && third.name === 'imphash') return 'imphash';
  return null;
}

/** Reduces a whole pattern; observations joined by OR, AND or FOLLOWEDBY each contribute their values. */
export function reduceStixPattern(p: StixPattern): PatternReduction {
  const values: PatternValue[] = [];
  const reason = collectPattern(p, values);
  return reason === null ? { ok: true, values } : { ok: false, reason };
}

function collectPattern(p: StixPattern, out: PatternValue[]): string | null {
  switch (p.kind) {
    case 'observation': return collectComparison(p.comparison, out);
    case 'qualified': return collectPattern(p.pattern, out);
    default:
      for (const o of p.operands) {
        const r = collectPattern(o, out);
        if (r !== null) return r;
      }
      return null;
  }
}

function collectComparison(c: StixComparison, out: PatternValue[]): string | null {
  switch (c.kind) {
    case 'exists': return `EXISTS ${formatObjectPath(c.path)} names no value`;
    case 'or':
      for (const o of c.operands) {
        const r = collectComparison(o, out);
        if (r !== null) return r;
      }
      return null;
    case 'and': {
      // Only hashes of one and the same file: each is then an indicator of that file.
      for (const o of c.operands) {
        if (o.kind !== 'compare' || o.op !== '=' || o.negated || Array.isArray(o.value) || o.value.kind !== 'string') {
          return 'an AND of anything but file hash equalities cannot be reduced to indicator values';
        }
        const t = classifyObjectPath(o.path);
        if (t !== 'md5' && t !== 'sha1' && t !== 'sha256') {
          return `an AND involving ${formatObjectPath(o.path)} cannot be reduced to indicator values`;
        }
        out.push({ type: t, raw: o.value.value });
      }
      return null;
    }
    case 'compare': {
      const t = classifyObjectPath(c.path);
      const where = formatObjectPath(c.path);
      if (t === null) return `${where} is not an indicator path`;
      if (c.negated) return `NOT ${c.op} on ${where} names no value`;
      if (c.op === 'IN') {
        if (!Array.isArray(c.value) || c.value.length === 0) return `IN on ${where} with an empty set`;
        for (const v of c.value) {
          if (v.kind !== 'string') return `IN on ${where} with a non-string member`;
          out.push({ type: t, raw: v.value });
        }
        return null;
      }
      if (c.op !== '=') return `${c.op} on ${where} cannot be reduced to indicator values`;
      const v = c.value;
      if (Array.isArray(v) || v.kind !== 'string') return `= on ${where} with a non-string value`;
      out.push({ type: t, raw: v.value });
      return null;
    }
  }
}
