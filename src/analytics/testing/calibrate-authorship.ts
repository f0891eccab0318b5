/**
 * Calibration of fitAuthorship's thresholds (docs/design.md, Authorship):
 *   node --import tsx src/analytics/testing/calibrate-authorship.ts [trials]
 * Prints, for simulated office weeks at known offsets and for uniform noise,
 * the accuracy and decline rates of the fit as it stands, and the spread of
 * the two statistics the thresholds cut (the best offset's log-likelihood
 * ratio against uniform hours, and its margin over the best rival more than
 * 1 h away). Seeded: the same run prints the same figures.
 */
import { fitAuthorship, seededRandom, MIN_MARGIN_LLR, MIN_PATTERN_LLR } from '../authorship.js';
import { simulateUniform, simulateWorkingWeek } from './build-times.js';

const trials = Number(process.argv[2] ?? 500);

function stats(times: number[]): { llr: number; margin: number; best: number } {
  const fit = fitAuthorship(times, { minBuilds: 0, bootstrap: 0 });
  const c = fit.candidates;
  let best = 0;
  c.forEach((x, i) => { if (x.logLikelihood > c[best]!.logLikelihood) best = i; });
  const bo = c[best]!.utcOffset;
  const far = c.filter((x) => { const d = Math.abs(((x.utcOffset - bo + 12) % 24 + 24) % 24 - 12); return d > 1; });
  const rival = Math.max(...far.map((x) => x.logLikelihood));
  return { llr: c[best]!.logLikelihood, margin: c[best]!.logLikelihood - rival, best: bo };
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(p * s.length) - 1)]!;
};
const fmt = (x: number): string => x.toFixed(2);

console.log(`thresholds: pattern ≥ ${MIN_PATTERN_LLR}, margin ≥ ${MIN_MARGIN_LLR}; ${trials} trials each`);
for (const n of [20, 30, 40, 100]) {
  for (const offset of [8, 4, -5, 5.5, -12, 14, 0]) {
    const rand = seededRandom(1000 + Math.round(offset * 2) + n * 100);
    let right = 0;
    let declined = 0;
    let covered = 0;
    const llrs: number[] = [];
    const margins: number[] = [];
    for (let t = 0; t < trials; t++) {
      const times = simulateWorkingWeek({ utcOffset: offset, count: n, noise: 0.25 }, rand);
      const fit = fitAuthorship(times);
      const s = stats(times);
      llrs.push(s.llr);
      margins.push(s.margin);
      if (fit.utcOffset === null) declined++;
      else if (Math.abs(fit.utcOffset - offset) <= 1) right++;
      if (fit.interval && fit.interval[0] <= offset && offset <= fit.interval[1]) covered++;
    }
    console.log(`office n=${n} offset=${offset}: right ±1h ${fmt(right / trials)}, declined ${fmt(declined / trials)}, `
      + `interval covers ${fmt(covered / trials)}; llr p1 ${fmt(pct(llrs, 0.01))} p5 ${fmt(pct(llrs, 0.05))}; `
      + `margin p1 ${fmt(pct(margins, 0.01))} p5 ${fmt(pct(margins, 0.05))} p10 ${fmt(pct(margins, 0.1))}`);
  }
}
for (const n of [10, 20, 40, 100, 300]) {
  const rand = seededRandom(7 + n);
  let declined = 0;
  const llrs: number[] = [];
  const margins: number[] = [];
  for (let t = 0; t < trials; t++) {
    const times = simulateUniform(n, rand);
    if (fitAuthorship(times).utcOffset === null) declined++;
    const s = stats(times);
    llrs.push(s.llr);
    margins.push(s.margin);
  }
  console.log(`uniform n=${n}: declined ${fmt(declined / trials)}; llr p50 ${fmt(pct(llrs, 0.5))} p95 ${fmt(pct(llrs, 0.95))} `
    + `p99 ${fmt(pct(llrs, 0.99))} max ${fmt(pct(llrs, 1))}; margin p50 ${fmt(pct(margins, 0.5))} p95 ${fmt(pct(margins, 0.95))}`);
}
