/**
 * Sightings, filtered as the URL says, a page at a time (the API's cursor;
 * a time window is listed in time order, the timeline's drill-down): each with where it was found, linked to its evidence line
 * or packet. One API request per page.
 */
import { useEffect, useState } from 'preact/hooks';
import { getJson, type SightingPage, type SightingRow } from '../api.js';
import { Filters, Link } from '../components/common.js';
import { time } from '../format.js';

const FILTERS = ['campaign', 'indicator', 'src', 'since', 'until', 'evidence'] as const;
const PAGE = 100;

export function where(s: SightingRow): string {
  const at = s.evidence.line !== undefined ? `:${s.evidence.line}` : s.evidence.packet !== undefined ? ` packet ${s.evidence.packet}` : '';
  // A Windows event's record number (EventRecordID), beside its line when a text export had one.
  const record = s.evidence.record !== undefined ? ` record ${s.evidence.record}` : '';
  return `${s.evidence.path}${s.evidence.inside !== undefined ? `!${s.evidence.inside}` : ''}${at}${record}`;
}

export function SightingTable(props: { rows: SightingRow[]; highlight?: number }) {
  return (
    <div class="table-wrap">
      <table>
        <thead><tr>{['time', 'indicator', 'matched', 'field', 'source', 'destination', 'where'].map((h) => <th scope="col" key={h}>{h}</th>)}</tr></thead>
        <tbody>
          {props.rows.map((s) => (
            <tr key={s.id} class={props.highlight === s.id ? 'highlight' : ''} id={`s${s.id}`}>
              <td class="nowrap">{time(s.ts)}</td>
              <td><Link view="sightings" params={{ indicator: `${s.indicator.type}:${s.indicator.value}` }}>{`${s.indicator.type} ${s.indicator.value}`}</Link>
                <span class="muted small"> {s.indicator.campaigns.join(', ')}</span></td>
              <td class="mono">{s.matched}</td>
              <td class="small">{s.field}{s.hostId !== undefined ? <span class="muted"> hostid {s.hostId}</span> : null}</td>
              <td>{s.src !== null ? <Link view="sightings" params={{ src: s.src }} class="mono">{s.src}</Link> : '—'}
                {s.process !== undefined && s.process.image !== null
                  ? <span class="muted small mono" title={`pid ${s.process.pid ?? '?'}${s.process.guid !== null ? ` ${s.process.guid}` : ''}`}> {s.process.image}</span> : null}</td>
              <td class="mono">{s.dst ?? '—'}</td>
              <td><Link view="evidence" params={{ id: s.evidenceId, sighting: s.id, line: s.evidence.line, packet: s.evidence.packet }} class="mono where">{where(s)}</Link></td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.rows.length === 0 ? <p class="muted">No sighting matches.</p> : null}
    </div>
  );
}

export function Sightings(props: { params: URLSearchParams }) {
  const p = props.params;
  const key = p.toString();
  const [rows, setRows] = useState<SightingRow[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [state, setState] = useState<'loading' | 'done' | Error>('loading');
  const query: Record<string, string | undefined> = {};
  for (const k of FILTERS) query[k] = p.get(k) ?? undefined;
  const load = (cursor: string | null, reset: boolean) => {
    setState('loading');
    const order = query['since'] !== undefined || query['until'] !== undefined ? 'time' : undefined;
    getJson<SightingPage>('/api/sightings', { ...query, order, limit: PAGE, cursor: cursor ?? undefined }).then((page) => {
      setRows((old) => (reset ? page.sightings : [...old, ...page.sightings]));
      setNext(page.next);
      setState('done');
    }, (e: unknown) => setState(e instanceof Error ? e : new Error(String(e))));
  };
  useEffect(() => { setRows([]); load(null, true); }, [key]);
  return (
    <section class="panel">
      <h1>Sightings</h1>
      <Filters params={p} names={FILTERS} />
      {state instanceof Error ? <p class="error" role="alert">{state.message}</p> : null}
      <SightingTable rows={rows} />
      <nav class="pager">
        {state === 'loading' ? <span class="muted" aria-busy="true">Loading…</span> : null}
        {next !== null && state === 'done' ? <button type="button" onClick={() => load(next, false)}>more</button> : null}
        <span class="muted">{rows.length} shown{next === null && state === 'done' ? ' (all)' : ''}</span>
      </nav>
    </section>
  );
}
