/**
 * Recursive-descent parser for the STIX 2.1 patterning language, following
 * the grammar of STIX 2.1 part 9 (`STIXPattern.g4`). Precedence, loosest
 * first: FOLLOWEDBY, OR, AND between observations; qualifiers bind to the
 * observation before them; inside `[ … ]` OR is looser than AND.
 */
import { StixPatternError, tokenizePattern, type Token } from './pattern-lexer.js';

/** Deepest nesting of parentheses/brackets accepted (guards the call stack). */
export const MAX_PATTERN_DEPTH = 200;

/** A literal value in a comparison. */
export type StixLiteral =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'binary'; value: string }
  | { kind: 'hex'; value: string }
  | { kind: 'timestamp'; value: string };

/** One step of an object path after the object type: a property (`.name`, `.'SHA-256'`) or a list index (`[0]`, `[*]`). */
export type StixPathStep =
  | { kind: 'property'; name: string; quoted: boolean }
  | { kind: 'index'; index: number | '*' };

/** `file:hashes.'SHA-256'`: the object type and its steps (the first is always a property). */
export interface StixObjectPath {
  objectType: string;
  steps: StixPathStep[];
}

/** The comparison operators. */
export type StixOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN' | 'LIKE' | 'MATCHES' | 'ISSUBSET' | 'ISSUPERSET';

/** An expression inside `[ … ]`. */
export type StixComparison =
  | { kind: 'compare'; path: StixObjectPath; negated: boolean; op: StixOperator; value: StixLiteral | StixLiteral[] }
  | { kind: 'exists'; path: StixObjectPath }
  | { kind: 'and' | 'or'; operands: StixComparison[] };

/** A qualifier after an observation expression. */
export type StixQualifier =
  | { kind: 'within'; seconds: number }
  | { kind: 'repeats'; times: number }
  | { kind: 'startstop'; start: string; stop: string };

/** A whole pattern, or a part of one between observations. */
export type StixPattern =
  | { kind: 'observation'; comparison: StixComparison }
  | { kind: 'and' | 'or' | 'followedby'; operands: StixPattern[] }
  | { kind: 'qualified'; pattern: StixPattern; qualifier: StixQualifier };

const COMPARE_OPS: ReadonlySet<string> = new Set(['=', '!=', '<', '<=', '>', '>=']);
const WORD_OPS: ReadonlySet<string> = new Set(['IN', 'LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']);

/** Parses a STIX pattern; throws StixPatternError (with `position`) on any syntax error. */
export function parseStixPattern(text: string): StixPattern {
  return new PatternParser(tokenizePattern(text)).parseWhole();
}

class PatternParser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: Token[]) {}

  parseWhole(): StixPattern {
    const p = this.observationExpressions();
    const t = this.peek();
    if (t.kind !== 'eof') throw this.unexpected(t);
    return p;
  }

  private peek(): Token {
    return this.toks[this.i] ?? this.toks[this.toks.length - 1]!;
  }
  private next(): Token {
    const t = this.peek();
    if (this.i < this.toks.length - 1) this.i++;
    return t;
  }
  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === 'keyword' && t.text === word;
  }
  private expect(kind: Token['kind'], what: string): Token {
    const t = this.peek();
    if (t.kind !== kind) throw new StixPatternError(`expected ${what}, found ${describe(t)}`, t.pos);
    return this.next();
  }
  private expectKeyword(word: string): void {
    if (!this.isKeyword(word)) { const t = this.peek(); throw new StixPatternError(`expected ${word}, found ${describe(t)}`, t.pos); }
    this.next();
  }
  private unexpected(t: Token): StixPatternError {
    return new StixPatternError(`unexpected ${describe(t)}`, t.pos);
  }
  private enter(t: Token): void {
    if (++this.depth > MAX_PATTERN_DEPTH) throw new StixPatternError('pattern nested too deeply', t.pos);
  }

  // observationExpressions: observationExpressionOr (FOLLOWEDBY observationExpressionOr)*
  private observationExpressions(): StixPattern {
    const first = this.observationOr();
    if (!this.isKeyword('FOLLOWEDBY')) return first;
    const operands = [first];
    while (this.isKeyword('FOLLOWEDBY')) { this.next(); operands.push(this.observationOr()); }
    return { kind: 'followedby', operands };
  }

  private observationOr(): StixPattern {
    const first = this.observationAnd();
    if (!this.isKeyword('OR')) return first;
    const operands = [first];
    while (this.isKeyword('OR')) { this.next(); operands.push(this.observationAnd()); }
    return { kind: 'or', operands };
  }

  private observationAnd(): StixPattern {
    const first = this.observationQualified();
    if (!this.isKeyword('AND')) return first;
    const operands = [first];
    while (this.isKeyword('AND')) { this.next(); operands.push(this.observationQualified()); }
    return { kind: 'and', operands };
  }

  // observationExpression qualifier*
  private observationQualified(): StixPattern {
    let p = this.observationPrimary();
    for (;;) {
      const q = this.qualifier();
      if (!q) return p;
      p = { kind: 'qualified', pattern: p, qualifier: q };
    }
  }

  private observationPrimary(): StixPattern {
    const t = this.peek();
    if (t.kind === '[') {
      this.next();
      this.enter(t);
      const comparison = this.comparisonOr();
      this.expect(']', "']'");
      this.depth--;
      return { kind: 'observation', comparison };
    }
    if (t.kind === '(') {
      this.next();
      this.enter(t);
      const inner = this.observationExpressions();
      this.expect(')', "')'");
      this.depth--;
      return inner;
    }
    throw new StixPatternError(`expected '[' or '(', found ${describe(t)}`, t.pos);
  }

  private qualifier(): StixQualifier | null {
    const t = this.peek();
    if (t.kind !== 'keyword') return null;
    if (t.text === 'WITHIN') {
      this.next();
      const n = this.next();
      if ((n.kind !== 'int' && n.kind !== 'float') || n.text.startsWith('-') || Number(n.text) <= 0) {
        throw new StixPatternError(`expected a positive number of seconds, found ${describe(n)}`, n.pos);
      }
      this.expectKeyword('SECONDS');
      return { kind: 'within', seconds: Number(n.text) };
    }
    if (t.text === 'REPEATS') {
      this.next();
      const n = this.next();
      if (n.kind !== 'int' || n.text.startsWith('-') || Number(n.text) <= 0) {
        throw new StixPatternError(`expected a positive integer, found ${describe(n)}`, n.pos);
      }
      this.expectKeyword('TIMES');
      return { kind: 'repeats', times: Number(n.text) };
    }
    if (t.text === 'START') {
      this.next();
      const start = this.expect('timestamp', "a t'…' timestamp").text;
      this.expectKeyword('STOP');
      const stop = this.expect('timestamp', "a t'…' timestamp").text;
      return { kind: 'startstop', start, stop };
    }
    return null;
  }

  private comparisonOr(): StixComparison {
    const first = this.comparisonAnd();
    if (!this.isKeyword('OR')) return first;
    const operands = [first];
    while (this.isKeyword('OR')) { this.next(); operands.push(this.comparisonAnd()); }
    return { kind: 'or', operands };
  }

  private comparisonAnd(): StixComparison {
    const first = this.propTest();
    if (!this.isKeyword('AND')) return first;
    const operands = [first];
    while (this.isKeyword('AND')) { this.next(); operands.push(this.propTest()); }
    return { kind: 'and', operands };
  }

  private propTest(): StixComparison {
    const t = this.peek();
    if (t.kind === '(') {
      this.next();
      this.enter(t);
      const inner = this.comparisonOr();
      this.expect(')', "')'");
      this.depth--;
      return inner;
    }
    if (this.isKeyword('EXISTS')) {
      this.next();
      return { kind: 'exists', path: this.objectPath() };
    }
    const path = this.objectPath();
    let negated = false;
    if (this.isKeyword('NOT')) { this.next(); negated = true; }
    const opTok = this.next();
    if (opTok.kind === 'op' && COMPARE_OPS.has(opTok.text)) {
      const op = opTok.text as StixOperator;
      const value = this.literal();
      if (op !== '=' && op !== '!=' && value.kind === 'bool') throw new StixPatternError(`${op} needs an orderable literal, found a boolean`, opTok.pos);
      return { kind: 'compare', path, negated, op, value };
    }
    if (opTok.kind === 'keyword' && WORD_OPS.has(opTok.text)) {
      const op = opTok.text as StixOperator;
      if (op === 'IN') return { kind: 'compare', path, negated, op, value: this.setLiteral() };
      const s = this.expect('string', 'a string literal');
      return { kind: 'compare', path, negated, op, value: { kind: 'string', value: s.text } };
    }
    throw new StixPatternError(`expected a comparison operator, found ${describe(opTok)}`, opTok.pos);
  }

  private setLiteral(): StixLiteral[] {
    this.expect('(', "'(' to open a set");
    const out: StixLiteral[] = [];
    if (this.peek().kind === ')') { this.next(); return out; }
    for (;;) {
      out.push(this.literal());
      const t = this.next();
      if (t.kind === ')') return out;
      if (t.kind !== ',') throw new StixPatternError(`expected ',' or ')' in a set, found ${describe(t)}`, t.pos);
    }
  }

  private literal(): StixLiteral {
    const t = this.next();
    switch (t.kind) {
      case 'string': return { kind: 'string', value: t.text };
      case 'int': return { kind: 'int', value: Number(t.text) };
      case 'float': return { kind: 'float', value: Number(t.text) };
      case 'binary': return { kind: 'binary', value: t.text };
      case 'hex': return { kind: 'hex', value: t.text };
      case 'timestamp': return { kind: 'timestamp', value: t.text };
      case 'keyword':
        if (t.text === 'true' || t.text === 'false') return { kind: 'bool', value: t.text === 'true' };
        break;
      default: break;
    }
    throw new StixPatternError(`expected a literal, found ${describe(t)}`, t.pos);
  }

  // objectType ':' firstPathComponent objectPathComponent*
  private objectPath(): StixObjectPath {
    const typeTok = this.expect('ident', 'an object type');
    this.expect(':', "':' after the object type");
    const steps: StixPathStep[] = [this.propertyName()];
    for (;;) {
      const t = this.peek();
      if (t.kind === '.') { this.next(); steps.push(this.propertyName()); continue; }
      if (t.kind === '[') {
        this.next();
        const idx = this.next();
        if (idx.kind === '*') steps.push({ kind: 'index', index: '*' });
        else if (idx.kind === 'int') steps.push({ kind: 'index', index: Number(idx.text) });
        else throw new StixPatternError(`expected a list index or '*', found ${describe(idx)}`, idx.pos);
        this.expect(']', "']'");
        continue;
      }
      return { objectType: typeTok.text, steps };
    }
  }

  private propertyName(): StixPathStep {
    const t = this.next();
    if (t.kind === 'string') return { kind: 'property', name: t.text, quoted: true };
    if (t.kind === 'ident' && t.text.indexOf('-') < 0) return { kind: 'property', name: t.text, quoted: false };
    throw new StixPatternError(`expected a property name, found ${describe(t)}`, t.pos);
  }
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of pattern';
  if (t.kind === 'string') return 'a string literal';
  return `'${t.text.length > 40 ? t.text.slice(0, 40) + '…' : t.text}'`;
}
