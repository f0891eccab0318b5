import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseStixPattern, type StixComparison, type StixLiteral, type StixObjectPath, type StixPattern } from './pattern-parser.js';
import { StixPatternError, tokenizePattern } from './pattern-lexer.js';
import { formatStixPattern } from './pattern-format.js';

const path = (objectType: string, ...names: (string | number)[]): StixObjectPath => ({
  objectType,
  steps: names.map((n) => (typeof n === 'number' || n === '*' ? { kind: 'index', index: n } : { kind: 'property', name: n, quoted: /[^A-Za-z0-9_]/.test(n) })),
});
const str = (value: string): StixLiteral => ({ kind: 'string', value });
const eq = (p: StixObjectPath, v: StixLiteral): StixComparison => ({ kind: 'compare', path: p, negated: false, op: '=', value: v });
const obs = (comparison: StixComparison): StixPattern => ({ kind: 'observation', comparison });

test('a single equality', () => {
  assert.deepEqual(parseStixPattern("[ipv4-addr:value = '10.0.0.0']"), obs(eq(path('ipv4-addr', 'value'), str('10.0.0.0'))));
  assert.deepEqual(parseStixPattern("[ ipv4-addr:value == '10.0.0.0' ]"), obs(eq(path('ipv4-addr', 'value'), str('10.0.0.0'))));
});

test('quoted keys, list indexes and nested paths', () => {
  assert.deepEqual(parseStixPattern("[file:hashes.'SHA-256' = 'ab']"), obs(eq(path('file', 'hashes', 'SHA-256'), str('ab'))));
  assert.deepEqual(
    parseStixPattern("[email-message:body_multipart[*].body_raw_ref.name = 'x']"),
    obs(eq(path('email-message', 'body_multipart', '*', 'body_raw_ref', 'name'), str('x'))),
  );
  assert.deepEqual(parseStixPattern("[x:list[0].a[-1] = 'y']"), obs(eq(path('x', 'list', 0, 'a', -1), str('y'))));
  assert.deepEqual(parseStixPattern("[x-custom-type:'quoted key'.b = 'y']"), obs(eq({ objectType: 'x-custom-type', steps: [{ kind: 'property', name: 'quoted key', quoted: true }, { kind: 'property', name: 'b', quoted: false }] }, str('y'))));
});

test('every comparison operator, NOT, EXISTS and IN', () => {
  const p = path('file', 'size');
  for (const op of ['=', '!=', '<', '<=', '>', '>='] as const) {
    assert.deepEqual(parseStixPattern(`[file:size ${op} 5]`), obs({ kind: 'compare', path: p, negated: false, op, value: { kind: 'int', value: 5 } }));
  }
  assert.deepEqual(parseStixPattern('[file:size <> 5]'), obs({ kind: 'compare', path: p, negated: false, op: '!=', value: { kind: 'int', value: 5 } }));
  for (const op of ['LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET'] as const) {
    assert.deepEqual(parseStixPattern(`[file:name NOT ${op} 'a%']`), obs({ kind: 'compare', path: path('file', 'name'), negated: true, op, value: str('a%') }));
  }
  assert.deepEqual(parseStixPattern('[EXISTS windows-registry-key:values]'), obs({ kind: 'exists', path: path('windows-registry-key', 'values') }));
  assert.deepEqual(parseStixPattern("[domain-name:value IN ('a.com', 'b.com')]"), obs({ kind: 'compare', path: path('domain-name', 'value'), negated: false, op: 'IN', value: [str('a.com'), str('b.com')] }));
  assert.deepEqual(parseStixPattern('[x:y IN ()]'), obs({ kind: 'compare', path: path('x', 'y'), negated: false, op: 'IN', value: [] }));
});

test('literals: strings with escapes, numbers, booleans, binary, hex, timestamps', () => {
  const lit = (text: string): unknown => {
    const p = parseStixPattern(`[x:y = ${text}]`);
    return p.kind === 'observation' && p.comparison.kind === 'compare' ? p.comparison.value : null;
  };
  assert.deepEqual(lit(String.raw`'it\'s a \\ path'`), str("it's a \\ path"));
  assert.deepEqual(lit('-12'), { kind: 'int', value: -12 });
  assert.deepEqual(lit('+7'), { kind: 'int', value: 7 });
  assert.deepEqual(lit('0'), { kind: 'int', value: 0 });
  assert.deepEqual(lit('3.25'), { kind: 'float', value: 3.25 });
  assert.deepEqual(lit('-.5'), { kind: 'float', value: -0.5 });
  assert.deepEqual(lit('true'), { kind: 'bool', value: true });
  assert.deepEqual(lit('FALSE'), { kind: 'bool', value: false });
  assert.deepEqual(lit("b'aGVsbG8='"), { kind: 'binary', value: 'aGVsbG8=' });
  assert.deepEqual(lit("h'0aFF'"), { kind: 'hex', value: '0aFF' });
  assert.deepEqual(lit("t'2016-01-20T12:31:12.12345Z'"), { kind: 'timestamp', value: '2016-01-20T12:31:12.12345Z' });
});

test('precedence: AND binds tighter than OR; parentheses group', () => {
  const a = eq(path('a', 'v'), str('1'));
  const b = eq(path('b', 'v'), str('2'));
  const c = eq(path('c', 'v'), str('3'));
  assert.deepEqual(parseStixPattern("[a:v = '1' OR b:v = '2' AND c:v = '3']"), obs({ kind: 'or', operands: [a, { kind: 'and', operands: [b, c] }] }));
  assert.deepEqual(parseStixPattern("[(a:v = '1' OR b:v = '2') AND c:v = '3']"), obs({ kind: 'and', operands: [{ kind: 'or', operands: [a, b] }, c] }));
  const A = obs(a), B = obs(b), C = obs(c);
  assert.deepEqual(parseStixPattern("[a:v = '1'] OR [b:v = '2'] AND [c:v = '3']"), { kind: 'or', operands: [A, { kind: 'and', operands: [B, C] }] });
  assert.deepEqual(parseStixPattern("[a:v = '1'] FOLLOWEDBY [b:v = '2'] OR [c:v = '3']"), { kind: 'followedby', operands: [A, { kind: 'or', operands: [B, C] }] });
  assert.deepEqual(parseStixPattern("([a:v = '1'] FOLLOWEDBY [b:v = '2']) AND [c:v = '3']"), { kind: 'and', operands: [{ kind: 'followedby', operands: [A, B] }, C] });
});

test('qualifiers: WITHIN, REPEATS, START/STOP, stacked', () => {
  const A = obs(eq(path('a', 'v'), str('1')));
  assert.deepEqual(parseStixPattern("[a:v = '1'] WITHIN 300 SECONDS"), { kind: 'qualified', pattern: A, qualifier: { kind: 'within', seconds: 300 } });
  assert.deepEqual(parseStixPattern("[a:v = '1'] WITHIN 2.5 SECONDS"), { kind: 'qualified', pattern: A, qualifier: { kind: 'within', seconds: 2.5 } });
  assert.deepEqual(
    parseStixPattern("[a:v = '1'] REPEATS 5 TIMES WITHIN 10 SECONDS"),
    { kind: 'qualified', pattern: { kind: 'qualified', pattern: A, qualifier: { kind: 'repeats', times: 5 } }, qualifier: { kind: 'within', seconds: 10 } },
  );
  assert.deepEqual(
    parseStixPattern("([a:v = '1']) START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'"),
    { kind: 'qualified', pattern: A, qualifier: { kind: 'startstop', start: '2016-06-01T00:00:00Z', stop: '2016-07-01T00:00:00Z' } },
  );
});

test('comments are skipped', () => {
  assert.deepEqual(parseStixPattern("/* c */ [a:v = '1'] // trailing"), obs(eq(path('a', 'v'), str('1'))));
});

test('every syntax error names its position', () => {
  const cases: [string, number, RegExp][] = [
    ['', 0, /expected '\[' or '\('/],
    ["[a:v = '1'", 10, /expected '\]'/],
    ["[a:v = '1']]", 11, /unexpected '\]'/],
    ["[a:v = 'x]", 7, /unterminated string literal/],
    [String.raw`[a:v = 'x\q']`, 9, /bad escape/],
    ["[a:v ~ '1']", 5, /unexpected character/],
    ["[a:v ! '1']", 5, /unexpected '!'/],
    ["[a:v '1']", 5, /expected a comparison operator/],
    ["[a:v = ]", 7, /expected a literal/],
    ["[a:v LIKE 5]", 10, /expected a string literal/],
    ["[a:v IN 'x']", 8, /'\(' to open a set/],
    ["[a:v IN ('x' 'y')]", 13, /expected ',' or '\)'/],
    ["[a = '1']", 3, /expected ':'/],
    ["[:v = '1']", 1, /expected an object type/],
    ["[a:b-c = '1']", 3, /expected a property name/],
    ["[a:v[x] = '1']", 5, /list index/],
    ["[a:v = 01]", 7, /leading zero/],
    ["[a:v = 5x]", 8, /letter directly after a number/],
    ["[a:v = b'abc']", 7, /bad base64/],
    ["[a:v = h'abc']", 7, /bad hex/],
    ["[a:v = t'2016-13-01T00:00:00Z']", 7, /bad timestamp/],
    ["[a:v > true]", 5, /orderable literal/],
    ["[a:v = '1'] WITHIN -5 SECONDS", 19, /positive number of seconds/],
    ["[a:v = '1'] WITHIN 5 MINUTES", 21, /expected SECONDS/],
    ["[a:v = '1'] REPEATS 2.5 TIMES", 20, /positive integer/],
    ["[a:v = '1'] START '2016' STOP t'2016-07-01T00:00:00Z'", 18, /timestamp/],
    ["[a:v = '1'] AND", 15, /expected '\[' or '\('/],
    ["/* open", 0, /unterminated comment/],
    ["([a:v = '1']", 12, /expected '\)'/],
  ];
  for (const [text, pos, re] of cases) {
    assert.throws(() => parseStixPattern(text), (e: unknown) => {
      assert.ok(e instanceof StixPatternError, text);
      assert.equal(e.position, pos, `${text}: ${e.message}`);
      assert.match(e.message, re, text);
      return true;
    });
  }
});

test('deep nesting is an error, not a stack overflow', () => {
  const deep = '('.repeat(5000) + "[a:v = '1']" + ')'.repeat(5000);
  assert.throws(() => parseStixPattern(deep), /nested too deeply/);
});

test('the lexer keeps keywords case-sensitive and booleans case-insensitive', () => {
  assert.deepEqual(tokenizePattern('and AND True').map((t) => [t.kind, t.text]), [['ident', 'and'], ['keyword', 'AND'], ['keyword', 'true'], ['eof', '']]);
});

// ---- round trips ----
const identArb = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/).filter((s) => !['true', 'false'].includes(s));
const typeArb = fc.stringMatching(/^[a-z][a-z0-9]{0,4}(-[a-z0-9]{1,4}){0,2}$/).filter((s) => !['true', 'false', 't', 'b', 'h'].includes(s));
const stepArb = fc.oneof(
  identArb.map((name) => ({ kind: 'property' as const, name, quoted: false })),
  fc.string({ maxLength: 8 }).map((name) => ({ kind: 'property' as const, name, quoted: true })),
  fc.oneof(fc.integer({ min: -50, max: 50 }), fc.constant('*' as const)).map((index) => ({ kind: 'index' as const, index })),
);
const pathArb: fc.Arbitrary<StixObjectPath> = fc.record({
  objectType: typeArb,
  steps: fc.tuple(identArb, fc.array(stepArb, { maxLength: 3 })).map(([first, rest]) => [{ kind: 'property' as const, name: first, quoted: false }, ...rest]),
});
const literalArb: fc.Arbitrary<StixLiteral> = fc.oneof(
  fc.string({ maxLength: 12 }).map((value) => ({ kind: 'string' as const, value })),
  fc.integer({ min: -1e6, max: 1e6 }).map((value) => ({ kind: 'int' as const, value })),
  fc.integer({ min: -99999, max: 99999 }).map((n) => ({ kind: 'float' as const, value: n / 100 + (n % 100 === 0 ? 0.5 : 0) })),
  fc.boolean().map((value) => ({ kind: 'bool' as const, value })),
  fc.uint8Array({ maxLength: 9 }).map((b) => ({ kind: 'binary' as const, value: Buffer.from(b).toString('base64') })),
  fc.uint8Array({ maxLength: 6 }).map((b) => ({ kind: 'hex' as const, value: Buffer.from(b).toString('hex') })),
  fc.date({ min: new Date('1990-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }).map((d) => ({ kind: 'timestamp' as const, value: d.toISOString() })),
);
const compareArb: fc.Arbitrary<StixComparison> = fc.oneof(
  fc.record({ kind: fc.constant('compare' as const), path: pathArb, negated: fc.boolean(), op: fc.constantFrom('=' as const, '!=' as const), value: literalArb }),
  fc.record({ kind: fc.constant('compare' as const), path: pathArb, negated: fc.boolean(), op: fc.constantFrom('<' as const, '<=' as const, '>' as const, '>=' as const), value: literalArb.filter((l) => l.kind !== 'bool') }),
  fc.record({ kind: fc.constant('compare' as const), path: pathArb, negated: fc.boolean(), op: fc.constantFrom('LIKE' as const, 'MATCHES' as const, 'ISSUBSET' as const, 'ISSUPERSET' as const), value: fc.string({ maxLength: 8 }).map((value) => ({ kind: 'string' as const, value })) }),
  fc.record({ kind: fc.constant('compare' as const), path: pathArb, negated: fc.boolean(), op: fc.constant('IN' as const), value: fc.array(literalArb, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('exists' as const), path: pathArb }),
);
const { comparison: comparisonArb } = fc.letrec<{ comparison: StixComparison }>((tie) => ({
  comparison: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    compareArb,
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), operands: fc.array(tie('comparison'), { minLength: 2, maxLength: 3 }) }),
  ),
}));
const qualifierArb = fc.oneof(
  fc.integer({ min: 1, max: 100000 }).map((seconds) => ({ kind: 'within' as const, seconds })),
  fc.integer({ min: 1, max: 1000 }).map((times) => ({ kind: 'repeats' as const, times })),
  fc.constant({ kind: 'startstop' as const, start: '2016-06-01T00:00:00Z', stop: '2016-07-01T00:00:00.5Z' }),
);
const { pattern: patternArb } = fc.letrec<{ pattern: StixPattern }>((tie) => ({
  pattern: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    comparisonArb.map((comparison) => ({ kind: 'observation' as const, comparison })),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const, 'followedby' as const), operands: fc.array(tie('pattern'), { minLength: 2, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('qualified' as const), pattern: tie('pattern'), qualifier: qualifierArb }),
  ),
}));

test('round trip: parse(format(ast)) equals ast', () => {
  fc.assert(fc.property(patternArb, (ast) => {
    // fc.record builds null-prototype objects; compare plain copies.
    assert.deepEqual(JSON.parse(JSON.stringify(parseStixPattern(formatStixPattern(ast)))), JSON.parse(JSON.stringify(ast)));
  }), { seed: 20261127, numRuns: 1500 });
});

test('fuzz: mutated patterns either parse or throw StixPatternError', () => {
  const seeds = [
    "[file:hashes.'SHA-256' = 'ab' AND file:hashes.MD5 = 'cd'] WITHIN 5 SECONDS",
    "[domain-name:value IN ('a.com', 'b.net')] FOLLOWEDBY ([x:y[*].z NOT LIKE 'q%'] REPEATS 2 TIMES)",
    "[a:v = t'2016-06-01T00:00:00Z' OR a:w = b'aGk=' OR a:x = h'00ff'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
  ];
  fc.assert(fc.property(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 3 }), fc.nat(3))), (seed, edits) => {
    let s = seed;
    for (const [at, ins, del] of edits) { const i = at % (s.length + 1); s = s.slice(0, i) + ins + s.slice(i + del); }
    try { parseStixPattern(s); } catch (e) { assert.ok(e instanceof StixPatternError, String(e)); }
  }), { seed: 7, numRuns: 3000 });
});
