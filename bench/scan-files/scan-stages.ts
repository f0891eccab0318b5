/**
 * Where sightline's file-scanning time goes, in process and on one thread:
 * YARA-X (through YaraScanner, the rules hunt compiles) over every corpus
 * file's bytes. Printed beside the hash and parsePe times so a gap to yara
 * can be traced to a stage.
 */
import { readFileSync } from 'node:fs';
import { YaraScanner } from '../../src/samples/index.js';

/** Time spent compiling and scanning, and the matches seen. */
export interface YaraStageTiming {
  compileSeconds: number;
  scanSeconds: number;
  files: number;
  matches: number;
}

/** Compiles `ruleFiles` as hunt does (one namespace per file) and scans each of `paths` once. */
export function timeYaraStage(ruleFiles: readonly string[], paths: readonly string[]): YaraStageTiming {
  const t0 = performance.now();
  const scanner = YaraScanner.compile(ruleFiles.map((f) => ({ name: f, source: readFileSync(f, 'utf8') })), () => undefined);
  const compileSeconds = (performance.now() - t0) / 1000;
  let scanMs = 0, matches = 0;
  for (const p of paths) {
    const data = readFileSync(p);
    const t1 = performance.now();
    matches += scanner.scan(data, p).length;
    scanMs += performance.now() - t1;
  }
  return { compileSeconds, scanSeconds: scanMs / 1000, files: paths.length, matches };
}
