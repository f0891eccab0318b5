/** The victims behind a count: filtered as the URL says, each linked to its sightings. One API request. */
import { getJson, type VictimPage } from '../api.js';
import { Filters, Link, Loading } from '../components/common.js';
import { day, num } from '../format.js';
import { useLoad } from '../hooks.js';
import { href } from '../router.js';

const FILTERS = ['campaign', 'country', 'sector', 'organisation', 'asn', 'src'] as const;
const PAGE = 100;

export function Victims(props: { params: URLSearchParams }) {
  const p = props.params;
  const query: Record<string, string | undefined> = {};
  for (const k of [...FILTERS, 'sort', 'offset']) query[k] = p.get(k) ?? undefined;
  const loaded = useLoad(`victims?${p}`, () => getJson<VictimPage>('/api/victims', { ...query, limit: PAGE }));
  const sortLink = (key: string) => {
    const current = p.get('sort') ?? '-sightings';
    const next = current === key ? `-${key}` : key;
    return href('victims', { ...query, sort: next, offset: undefined });
  };
  const cols: [string, string][] = [['src', 'address'], ['hostIds', 'host ids'], ['country', 'country'], ['organisation', 'organisation'],
    ['sector', 'sector'], ['firstSeen', 'first seen'], ['lastSeen', 'last seen'], ['sightings', 'sightings']];
  return (
    <section class="panel">
      <h1>Victims</h1>
      <Filters params={p} names={FILTERS} />
      <Loading loaded={loaded}>
        {(page) => (
          <>
            <p class="muted">{num(page.total)} victim(s){page.total > PAGE ? `, ${page.offset + 1}–${Math.min(page.total, page.offset + PAGE)} shown` : ''}</p>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    {!p.get('campaign') ? <th scope="col">campaign</th> : null}
                    {cols.map(([k, label]) => <th scope="col" key={k}><a href={sortLink(k)}>{label}</a></th>)}
                  </tr>
                </thead>
                <tbody>
                  {page.victims.map((v) => (
                    <tr key={`${v.campaign}\u0000${v.src}`}>
                      {!p.get('campaign') ? <td><Link view="overview" params={{ campaign: v.campaign }}>{v.campaign}</Link></td> : null}
                      <td><Link view="sightings" params={{ campaign: v.campaign, src: v.src }} class="mono">{v.src}</Link></td>
                      <td class="mono small">{v.hostIds.slice(0, 3).join(', ')}{v.hostIds.length > 3 ? ` +${v.hostIds.length - 3}` : ''}</td>
                      <td>{v.country ? <Link view="victims" params={{ campaign: v.campaign, country: v.country }} title={v.countryName ?? v.country}>{v.country}</Link> : '—'}</td>
                      <td>{v.organisation !== null ? <Link view="victims" params={{ campaign: v.campaign, organisation: v.organisation }}>{v.organisation}</Link> : '—'}{v.asn !== null ? <span class="muted small"> AS{v.asn}</span> : null}</td>
                      <td><Link view="victims" params={{ campaign: v.campaign, sector: v.sector }}>{v.sector}</Link></td>
                      <td>{day(v.firstSeen)}</td>
                      <td>{day(v.lastSeen)}</td>
                      <td class="num"><Link view="sightings" params={{ campaign: v.campaign, src: v.src }}>{num(v.sightings)}</Link></td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {page.victims.length === 0 ? <p class="muted">No victim matches.</p> : null}
            </div>
            <nav class="pager">
              {page.offset > 0 ? <a href={href('victims', { ...query, offset: Math.max(0, page.offset - PAGE) })}>← previous</a> : null}
              {page.nextOffset !== null ? <a href={href('victims', { ...query, offset: page.nextOffset })}>next →</a> : null}
            </nav>
          </>
        )}
      </Loading>
    </section>
  );
}
