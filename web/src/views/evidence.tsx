/**
 * One evidence file (or the list of them): its statistics, the lines
 * around the sighting followed here (read from the file, when it is still
 * where and what it was), and its sightings with that one picked out, at
 * its path:line or packet. Three API requests: the evidence, its lines, and
 * the page of its sightings holding the sighting.
 */
import { ApiError, getJson, type EvidencePage, type EvidenceRow, type SightingPage } from '../api.js';
import { Link, Loading, Table } from '../components/common.js';
import { bytes, num, time } from '../format.js';
import { useLoad } from '../hooks.js';
import { SightingTable } from './sightings.js';

export function Evidence(props: { params: URLSearchParams }) {
  const id = props.params.get('id');
  return id ? <OneEvidence id={id} params={props.params} /> : <EvidenceList cursor={props.params.get('cursor')} />;
}

function EvidenceList(props: { cursor: string | null }) {
  const loaded = useLoad(`evidence?${props.cursor}`, () => getJson<EvidencePage>('/api/evidence', { cursor: props.cursor ?? undefined }));
  return (
    <section class="panel">
      <h1>Evidence</h1>
      <Loading loaded={loaded}>
        {(page) => (
          <>
            <Table head={['path', 'format', 'size', 'lines', 'records', 'skipped', 'sightings', 'hunted']} empty={page.evidence.length === 0}>
              {page.evidence.map((e) => (
                <tr key={e.id}>
                  <td><Link view="evidence" params={{ id: e.id }} class="mono">{e.path}</Link></td>
                  <td>{e.format}</td><td class="num">{bytes(e.size)}</td><td class="num">{num(e.lines)}</td><td class="num">{num(e.records)}</td>
                  <td class="num">{num(e.skipped)}</td>
                  <td class="num"><Link view="sightings" params={{ evidence: e.id }}>{num(e.sightings)}</Link></td>
                  <td class="nowrap">{time(e.huntedAt)}</td>
                </tr>
              ))}
            </Table>
            {page.next !== null ? <nav class="pager"><Link view="evidence" params={{ cursor: page.next }}>next →</Link></nav> : null}
          </>
        )}
      </Loading>
    </section>
  );
}

/** Lines shown before and after the sighting's. */
const CONTEXT = 3;

interface Lines { lines: { n: number; text: string; truncated: boolean }[] }

function LineContext(props: { lines: Lines | string; at: number }) {
  if (typeof props.lines === 'string') return <p class="muted">{props.lines}</p>;
  return (
    <pre class="lines" aria-label="the lines around the sighting">
      {props.lines.lines.map((l) => (
        <div key={l.n} class={l.n === props.at ? 'line at' : 'line'}><span class="line-n">{l.n}</span><code>{l.text}{l.truncated ? ' …' : ''}</code></div>
      ))}
    </pre>
  );
}

function OneEvidence(props: { id: string; params: URLSearchParams }) {
  const sighting = props.params.get('sighting');
  const line = props.params.get('line');
  const packet = props.params.get('packet');
  const loaded = useLoad(`evidence:${props.id}:${sighting}`, async () => {
    const e = await getJson<EvidenceRow>(`/api/evidence/${encodeURIComponent(props.id)}`);
    // The page of this evidence's sightings that starts a few rows before the one followed here.
    const cursor = sighting !== null && /^\d+$/.test(sighting) ? Math.max(0, Number(sighting) - 1) : undefined;
    const s = await getJson<SightingPage>('/api/sightings', { evidence: e.id, limit: 50, cursor });
    let lines: Lines | string | null = null;
    if (line !== null && /^\d+$/.test(line)) {
      const n = Number(line);
      lines = await getJson<Lines>(`/api/evidence/${e.id}/lines`, { from: Math.max(1, n - CONTEXT), count: 2 * CONTEXT + 1 })
        .catch((err: unknown) => (err instanceof ApiError && err.status < 500 ? err.message : 'the lines could not be read'));
    }
    return { e, s, lines };
  });
  return (
    <section class="panel">
      <Loading loaded={loaded}>
        {({ e, s, lines }) => (
          <>
            <h1 class="mono where">{e.path}{line ? `:${line}` : packet ? ` packet ${packet}` : ''}</h1>
            {line || packet ? <p class="callout">The sighting followed here was read at <strong class="mono">{line ? `line ${line}` : `packet ${packet}`}</strong> of this file.</p> : null}
            {lines !== null ? <LineContext lines={lines} at={Number(line)} /> : null}
            <dl class="facts">
              <dt>format</dt><dd>{e.format} (read as {e.families.join(', ')})</dd>
              <dt>size</dt><dd>{bytes(e.size)}</dd>
              <dt>sha256</dt><dd class="mono small">{e.sha256}</dd>
              <dt>read</dt><dd>{num(e.lines)} lines, {num(e.records)} records, {num(e.skipped)} skipped</dd>
              <dt>sightings</dt><dd><Link view="sightings" params={{ evidence: e.id }}>{num(e.sightings)}</Link></dd>
              <dt>hunted</dt><dd>{time(e.huntedAt)}</dd>
            </dl>
            <h2>Sightings in this file{sighting ? ', from the one followed' : ''}</h2>
            <SightingTable rows={s.sightings} highlight={sighting !== null ? Number(sighting) : undefined} />
          </>
        )}
      </Loading>
    </section>
  );
}
