/**
 * The YARA-X native binding (@litko/yara-x-linux-x64-gnu 0.7.2, which carries
 * YARA-X 1.20), loaded on first use and typed here for intel/ (validating
 * rule files) and samples/ (scanning), which may not import each other.
 *
 * The binding is loaded directly rather than through the `@litko/yara-x`
 * wrapper: the wrapper's optional platform packages for macOS are not on the
 * registry, so no lock file could satisfy `npm ci` with it (see
 * docs/dependencies.md). Only Linux x64 with glibc has a binding.
 */
import { createRequire } from 'node:module';

/** The binding's package, an optional dependency pinned in package.json. */
export const YARA_X_PACKAGE = '@litko/yara-x-linux-x64-gnu';

/** A compiler message (warning or error) as the binding reports it. */
export interface YaraXMessage {
  code: string;
  message: string;
  line?: number;
}

/** One match of one pattern. */
export interface YaraXPatternMatch {
  offset: number;
  length: number;
  identifier: string;
}

/** A rule that matched. */
export interface YaraXRuleMatch {
  ruleIdentifier: string;
  namespace: string;
  meta: Record<string, unknown>;
  tags: string[];
  matches: YaraXPatternMatch[];
}

/** Compiled rules: the parts of the binding's `YaraX` class Sightline uses. */
export interface YaraXRules {
  getWarnings(): YaraXMessage[];
  addRuleSources(sources: { source: string; namespace?: string }[]): void;
  setMaxMatchesPerPattern(n: number): void;
  setTimeout(ms: number): void;
  scan(data: Buffer): YaraXRuleMatch[];
}

/** Compiler options Sightline passes (`enableIncludes: false`: a rule file never makes YARA-X read another file). */
export interface YaraXCompilerOptions {
  enableIncludes?: boolean;
}

export interface YaraX {
  compile(source: string, options?: YaraXCompilerOptions): YaraXRules;
  validate(source: string, options?: YaraXCompilerOptions): { warnings: YaraXMessage[]; errors: YaraXMessage[] };
}

let binding: YaraX | null = null;

/** The binding; throws a readable error where it is not installed (another platform). */
export function loadYaraX(): YaraX {
  if (binding) return binding;
  try {
    binding = createRequire(import.meta.url)(YARA_X_PACKAGE) as YaraX;
  } catch (e) {
    throw new Error(`YARA-X is not available (${YARA_X_PACKAGE} is installed on Linux x64 with glibc only): ${(e as Error).message}`);
  }
  return binding;
}
