/** The public API of src/intel: detect an intel file's format, read it, read warninglists. */
export { INTEL_FORMATS, type IntelFormat, type IntelSink } from './intel-sink.js';
export { detectIntelFormat, reportHint } from './detect.js';
export { readReport, reportKind, scanReport, type ReportReadOptions } from './report/read-report.js';
export type { ReportDrop, ReportFinding, ReportKind, ReportReading } from './report/report-types.js';
export { readIntel, streamIntel, canStreamIntel } from './read-intel.js';
export { readWarninglist, MAX_WARNINGLIST_ENTRIES } from './warninglists/warninglists.js';
export { parseStixPattern, type StixPattern, type StixComparison, type StixLiteral, type StixObjectPath, type StixPathStep, type StixOperator, type StixQualifier } from './stix/pattern-parser.js';
export { StixPatternError } from './stix/pattern-lexer.js';
export { formatStixPattern } from './stix/pattern-format.js';
export { reduceStixPattern, type PatternReduction, type PatternValue } from './stix/pattern-reduce.js';
export { compileYara, type YaraCompileResult, type YaraCompiledRules } from './yara-rules/yara-compiler.js';
export { listYaraRules, type YaraRuleHeader } from './yara-rules/rule-lexer.js';
export { readMispManifest, isMispHashIndex, MAX_MANIFEST_EVENTS } from './misp/misp-feed.js';
