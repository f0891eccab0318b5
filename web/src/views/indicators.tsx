/** The case's indicators with their sighting counts, each linked to its sightings. One API request per page. */
import { getJson, type IndicatorPage } from '../api.js';
import { Filters, Link, Loading, Table } from '../components/common.js';
import { num } from '../format.js';
import { useLoad } from '../hooks.js';

const FILTERS = ['campaign', 'type', 'q', 'sighted'] as const;

export function Indicators(props: { params: URLSearchParams }) {
  const p = props.params;
  const q: Record<string, string | undefined> = { cursor: p.get('cursor') ?? undefined };
  for (const k of FILTERS) q[k] = p.get(k) ?? undefined;
  const loaded = useLoad(`indicators?${p}`, () => getJson<IndicatorPage>('/api/indicators', { ...q, limit: 200 }));
  return (
    <section class="panel">
      <h1>Indicators</h1>
      <Filters params={p} names={FILTERS} />
      <Loading loaded={loaded}>
        {(page) => (
          <>
            <Table head={['type', 'value', 'campaigns', 'sources', 'warninglist', 'sightings']} empty={page.indicators.length === 0}>
              {page.indicators.map((i) => (
                <tr key={i.id}>
                  <td>{i.type}</td>
                  <td class="mono">{i.value}</td>
                  <td>{i.campaigns.join(', ')}</td>
                  <td class="small">{i.sources.join(', ')}</td>
                  <td class="small">{i.warninglist ?? ''}</td>
                  <td class="num">{i.sightings > 0 ? <Link view="sightings" params={{ indicator: `${i.type}:${i.value}` }}>{num(i.sightings)}</Link> : '0'}</td>
                </tr>
              ))}
            </Table>
            {page.next !== null ? <nav class="pager"><Link view="indicators" params={{ ...q, cursor: page.next }}>next →</Link></nav> : null}
          </>
        )}
      </Loading>
    </section>
  );
}
