/**
 * Search by indicator, host or hash: the sightings of the value as an
 * indicator and from it as a source host, victims at that address, samples
 * with that hash, indicators containing the text. At most four API requests.
 */
import { getJson, type IndicatorPage, type SamplePage, type SightingPage, type VictimPage } from '../api.js';
import { Link, Loading } from '../components/common.js';
import { num } from '../format.js';
import { useLoad } from '../hooks.js';
import { SightingTable } from './sightings.js';

const HASH = /^([0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;
const settle = <T,>(p: Promise<T>): Promise<T | null> => p.catch(() => null);

export function Search(props: { params: URLSearchParams }) {
  const q = (props.params.get('q') ?? '').trim();
  const loaded = useLoad(`search:${q}`, async () => {
    if (q === '') return null;
    const [asIndicator, asSource, victims, samples, indicators] = await Promise.all([
      settle(getJson<SightingPage>('/api/sightings', { indicator: q, limit: 20 })),
      settle(getJson<SightingPage>('/api/sightings', { src: q, limit: 20 })),
      settle(getJson<VictimPage>('/api/victims', { src: q, limit: 20 })),
      HASH.test(q) ? settle(getJson<SamplePage>('/api/samples', { hash: q })) : Promise.resolve(null),
      settle(getJson<IndicatorPage>('/api/indicators', { q, limit: 20 })),
    ]);
    return { asIndicator, asSource, victims, samples, indicators };
  });
  return (
    <section class="panel">
      <h1>Search{q ? <>: <span class="mono">{q}</span></> : null}</h1>
      {q === '' ? <p class="muted">Type an indicator (domain, address, URL, hash, file name, rule), a host or a hash in the search box.</p> : (
        <Loading loaded={loaded}>
          {(r) => r === null ? null : (
            <>
              <h2>Victims at this address</h2>
              {r.victims && r.victims.total > 0 ? (
                <ul class="plain">{r.victims.victims.map((v) => (
                  <li key={`${v.campaign}${v.src}`}><Link view="sightings" params={{ campaign: v.campaign, src: v.src }}>{v.src}</Link> — {v.campaign}, {v.country ?? 'unknown country'}, {v.organisation ?? 'unknown organisation'}, {num(v.sightings)} sighting(s)</li>
                ))}</ul>
              ) : <p class="muted">None.</p>}
              <h2>Sightings of it as an indicator</h2>
              {r.asIndicator ? <><SightingTable rows={r.asIndicator.sightings} />{r.asIndicator.next ? <Link view="sightings" params={{ indicator: q }}>all of them →</Link> : null}</> : <p class="muted">Not a value the case can look up.</p>}
              <h2>Sightings from it as a source host</h2>
              {r.asSource ? <><SightingTable rows={r.asSource.sightings} />{r.asSource.next ? <Link view="sightings" params={{ src: q }}>all of them →</Link> : null}</> : <p class="muted">None.</p>}
              {r.samples ? (
                <>
                  <h2>Samples with this hash</h2>
                  {r.samples.samples.length ? <ul class="plain">{r.samples.samples.map((s) => <li key={s.id}><Link view="samples" params={{ hash: s.sha256 }} class="mono">{s.sha256}</Link> {s.paths.join(', ')}</li>)}</ul> : <p class="muted">None.</p>}
                </>
              ) : null}
              <h2>Indicators containing it</h2>
              {r.indicators && r.indicators.indicators.length ? (
                <ul class="plain">{r.indicators.indicators.map((i) => (
                  <li key={i.id}><Link view="sightings" params={{ indicator: `${i.type}:${i.value}` }}>{`${i.type} ${i.value}`}</Link> — {i.campaigns.join(', ')}, {num(i.sightings)} sighting(s)</li>
                ))}</ul>
              ) : <p class="muted">None.</p>}
            </>
          )}
        </Loading>
      )}
    </section>
  );
}
