/**
 * Renders a parsed STIX pattern back to text. Nested operands of the same
 * kind are parenthesised, so `parseStixPattern(formatStixPattern(p))` gives
 * back `p` exactly.
 */
import type { StixComparison, StixLiteral, StixObjectPath, StixPattern, StixQualifier } from './pattern-parser.js';

/** The canonical text of a pattern. */
export function formatStixPattern(p: StixPattern): string {
  switch (p.kind) {
    case 'observation': return `[${formatComparison(p.comparison)}]`;
    case 'qualified': {
      const inner = p.pattern.kind === 'observation' || p.pattern.kind === 'qualified' ? formatStixPattern(p.pattern) : `(${formatStixPattern(p.pattern)})`;
      return `${inner} ${formatQualifier(p.qualifier)}`;
    }
    default: {
      const word = p.kind === 'followedby' ? 'FOLLOWEDBY' : p.kind.toUpperCase();
      return p.operands.map((o) => (o.kind === 'observation' || o.kind === 'qualified' ? formatStixPattern(o) : `(${formatStixPattern(o)})`)).join(` ${word} `);
    }
  }
}

/** The text of a comparison expression (what sits inside `[ … ]`). */
export function formatComparison(c: StixComparison): string {
  switch (c.kind) {
    case 'exists': return `EXISTS ${formatObjectPath(c.path)}`;
    case 'compare': {
      const value = Array.isArray(c.value) ? `(${c.value.map(formatLiteral).join(', ')})` : formatLiteral(c.value);
      return `${formatObjectPath(c.path)} ${c.negated ? 'NOT ' : ''}${c.op} ${value}`;
    }
    default:
      return c.operands.map((o) => (o.kind === 'and' || o.kind === 'or' ? `(${formatComparison(o)})` : formatComparison(o))).join(` ${c.kind.toUpperCase()} `);
  }
}

/** `file:hashes.'SHA-256'`, `x:list[*].name`. */
export function formatObjectPath(p: StixObjectPath): string {
  let s = `${p.objectType}:`;
  p.steps.forEach((step, i) => {
    if (step.kind === 'index') s += `[${step.index}]`;
    else s += `${i === 0 ? '' : '.'}${step.quoted ? quote(step.name) : step.name}`;
  });
  return s;
}

/** A literal as pattern text. */
export function formatLiteral(l: StixLiteral): string {
  switch (l.kind) {
    case 'string': return quote(l.value);
    case 'int': return String(l.value);
    case 'float': return formatFloat(l.value);
    case 'bool': return l.value ? 'true' : 'false';
    case 'binary': return `b'${l.value}'`;
    case 'hex': return `h'${l.value}'`;
    case 'timestamp': return `t'${l.value}'`;
  }
}

function formatQualifier(q: StixQualifier): string {
  switch (q.kind) {
    case 'within': return `WITHIN ${Number.isInteger(q.seconds) ? String(q.seconds) : formatFloat(q.seconds)} SECONDS`;
    case 'repeats': return `REPEATS ${q.times} TIMES`;
    case 'startstop': return `START t'${q.start}' STOP t'${q.stop}'`;
  }
}

function formatFloat(n: number): string {
  const s = String(n);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

function quote(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}
