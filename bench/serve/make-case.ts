/**
 * A seeded case for bench/serve: two campaigns, their indicators, and N
 * sightings from V victim addresses over two years, written straight
 * through the store's EvidenceWriter (no log is generated or read), one
 * evidence file per 50,000 sightings. The same seed gives the same case.
 */
import { openStore, type SightingInput } from '../../src/index.js';
import { prng, randomDomain, randomIPv4 } from '../prng.js';

export interface BenchCase {
  /** The victims' addresses, most active first (the skew below makes low indexes busier). */
  victims: string[];
  /** NetTraveler's domain indicators. */
  domains: string[];
  /** Evidence ids, in order. */
  evidence: number[];
}

const PER_FILE = 50_000;
const BATCH = 10_000;
const T0 = Date.UTC(2012, 0, 1);
const SPAN = 2 * 365 * 86_400_000;

export async function makeBenchCase(path: string, opts: { sightings: number; victims: number; seed?: number }): Promise<BenchCase> {
  const r = prng(opts.seed ?? 7);
  const store = await openStore(path);
  try {
    await store.addCampaigns([{ name: 'NetTraveler', aliases: ['TravNet'] }, { name: 'Red October', aliases: ['Rocra'] }]);
    const domains = Array.from({ length: 300 }, (_, i) => randomDomain(r, i));
    const ro = Array.from({ length: 40 }, (_, i) => randomDomain(r, 1000 + i));
    await store.addIndicators([
      ...domains.map((value) => ({ type: 'domain' as const, value, campaign: 'NetTraveler', source: 'bench-nt.txt', warninglist: null })),
      ...ro.map((value) => ({ type: 'domain' as const, value, campaign: 'Red October', source: 'bench-ro.txt', warninglist: null })),
    ]);
    const ids = new Map<string, number>();
    for await (const page of store.huntIndicators({ includeWarninglisted: true })) for (const h of page) ids.set(h.value, h.id);
    const ntIds = domains.map((d) => ids.get(d)!);
    const roIds = ro.map((d) => ids.get(d)!);
    const victims = Array.from({ length: opts.victims }, () => randomIPv4(r));
    const sel = { includeWarninglisted: false, gen: await store.currentGeneration() };
    const evidence: number[] = [];
    let made = 0;
    for (let file = 0; made < opts.sightings; file++) {
      const w = await store.beginEvidence(sel);
      const n = Math.min(PER_FILE, opts.sightings - made);
      for (let at = 0; at < n; at += BATCH) {
        const rows: SightingInput[] = [];
        for (let i = at; i < Math.min(n, at + BATCH); i++) {
          // Skewed: a few victims beacon far more than the rest, as in a sinkhole's log.
          const v = Math.floor(opts.victims * r() ** 2);
          const nt = r() < 0.95;
          const indicatorId = nt ? ntIds[Math.floor(ntIds.length * r() ** 3)]! : roIds[Math.floor(roIds.length * r())]!;
          rows.push({
            indicatorId, matched: 'bench', field: 'dns.query', ts: T0 + Math.floor(r() * SPAN), src: victims[v]!, dst: '192.0.2.53', line: i + 1,
            ...(nt && v % 5 === 0 ? { hostId: `H${v.toString(36)}` } : {}),
          });
        }
        await w.addSightings({ family: 'zeek', format: 'zeek-dns' }, rows);
      }
      w.end({ path: `bench/dns-${String(file).padStart(3, '0')}.log`, sha256: String(file).padStart(64, '0'), size: n * 100, mtimeMs: T0,
        passes: [{ family: 'zeek', format: 'zeek-dns', lines: n, records: n, skipped: 0 }] });
      const [out] = await w.commit();
      evidence.push(out!.evidenceId);
      made += n;
    }
    return { victims, domains, evidence };
  } finally {
    await store.close();
  }
}
