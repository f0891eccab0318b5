/** Samples (the builds behind the build counts), filtered by campaign or hash. One API request per page. */
import { getJson, type SamplePage } from '../api.js';
import { Filters, Link, Loading, Table } from '../components/common.js';
import { bytes, time } from '../format.js';
import { useLoad } from '../hooks.js';

const FILTERS = ['campaign', 'hash'] as const;

export function Samples(props: { params: URLSearchParams }) {
  const p = props.params;
  const q = { campaign: p.get('campaign') ?? undefined, hash: p.get('hash') ?? undefined, cursor: p.get('cursor') ?? undefined };
  const loaded = useLoad(`samples?${p}`, () => getJson<SamplePage>('/api/samples', { ...q, limit: 100 }));
  return (
    <section class="panel">
      <h1>Samples</h1>
      <Filters params={p} names={FILTERS} />
      <Loading loaded={loaded}>
        {(page) => (
          <>
            <Table head={['sha256', 'type', 'size', 'build time (PE header)', 'found at', 'YARA', 'campaigns']} empty={page.samples.length === 0}>
              {page.samples.map((s) => (
                <tr key={s.id}>
                  <td><Link view="sightings" params={{ indicator: s.sha256 }} class="mono small" title={`md5 ${s.md5}, sha1 ${s.sha1}`}>{s.sha256.slice(0, 16)}…</Link></td>
                  <td>{s.type}{s.pe?.machine ? <span class="muted small"> {s.pe.machine}</span> : null}</td>
                  <td class="num">{bytes(s.size)}</td>
                  <td class="nowrap">{time(s.pe?.timestamp ?? null)}</td>
                  <td class="mono small">{s.paths.slice(0, 3).map((x) => <div key={x}>{x}</div>)}{s.paths.length > 3 ? <div class="muted">+{s.paths.length - 3} more</div> : null}</td>
                  <td>{s.yara.map((r) => <div key={r}><Link view="sightings" params={{ indicator: `yara:${r}` }}>{r}</Link></div>)}</td>
                  <td>{s.campaigns.join(', ')}</td>
                </tr>
              ))}
            </Table>
            {page.next !== null ? <nav class="pager"><Link view="samples" params={{ ...q, cursor: page.next }}>next →</Link></nav> : null}
          </>
        )}
      </Loading>
    </section>
  );
}
