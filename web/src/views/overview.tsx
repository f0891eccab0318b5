/**
 * A campaign at a glance: the headline numbers, victims on the world map,
 * countries, sectors, organisations, the timeline, top indicators, builds
 * and overlap. Every number, region and bar links to the rows behind it.
 * Two API requests: the campaigns, and the chosen one's statistics.
 */
import { useState } from 'preact/hooks';
import { getJson, type Campaign, type CampaignStats } from '../api.js';
import { Bars, Link, Loading } from '../components/common.js';
import { WorldMap } from '../components/world-map.js';
import { day, num, periodRange, utcOffset } from '../format.js';
import { useLoad } from '../hooks.js';
import { href } from '../router.js';

type Period = 'byDay' | 'byWeek' | 'byMonth';

export function Overview(props: { params: URLSearchParams }) {
  const campaigns = useLoad('campaigns', () => getJson<{ campaigns: Campaign[] }>('/api/campaigns'));
  return (
    <Loading loaded={campaigns}>
      {({ campaigns: list }) => {
        if (list.length === 0) {
          return <section class="panel"><h1>No campaign yet</h1><p>Import intel (<Link view="upload">Upload</Link>) to start a case.</p></section>;
        }
        const asked = props.params.get('campaign');
        const chosen = list.find((c) => c.name === asked) ?? [...list].sort((a, b) => b.indicators - a.indicators)[0]!;
        return (
          <>
            <nav class="campaigns" aria-label="Campaigns">
              {list.map((c) => (
                <a key={c.name} href={href('overview', { campaign: c.name })} class={c.name === chosen.name ? 'current' : ''} aria-current={c.name === chosen.name ? 'page' : undefined}>
                  {c.name}
                </a>
              ))}
            </nav>
            <CampaignView name={chosen.name} />
          </>
        );
      }}
    </Loading>
  );
}

/** The longest list the overview shows (organisations, an overlap's shared victims): the statistics are asked for cut to it. */
const OVERVIEW_TOP = 10;

function CampaignView(props: { name: string }) {
  const stats = useLoad(`stats:${props.name}`, () => getJson<CampaignStats>(`/api/campaigns/${encodeURIComponent(props.name)}/stats`, { top: OVERVIEW_TOP }));
  return <Loading loaded={stats}>{(s) => <Stats key={s.campaign} s={s} />}</Loading>;
}

function Headline(props: { label: string; value: string; view: Parameters<typeof href>[0]; params: Record<string, string | undefined>; note?: string; small?: boolean }) {
  return (
    <a class={`headline${props.small ? ' small-value' : ''}`} href={href(props.view, props.params)}>
      <span class="headline-value">{props.value}</span>
      <span class="headline-label">{props.label}</span>
      {props.note ? <span class="headline-note">{props.note}</span> : null}
    </a>
  );
}

/** The coarsest period that still gives the timeline a shape: months when there are six or more, else weeks, else days. */
function defaultPeriod(s: CampaignStats): Period {
  if (s.timeline.byMonth.length >= 6) return 'byMonth';
  return s.timeline.byWeek.length >= 6 ? 'byWeek' : 'byDay';
}

function Stats({ s }: { s: CampaignStats }) {
  const [period, setPeriod] = useState<Period>(() => defaultPeriod(s));
  const c = s.campaign;
  const a = s.authorship;
  const timeline = s.timeline[period] as ({ day?: string; week?: string; month?: string; sightings: number; newVictims: number })[];
  const most = Math.max(1, ...timeline.map((p) => p.sightings));
  return (
    <>
      <h1>{c}</h1>
      <section class="headlines" aria-label="Headline numbers">
        <Headline label="victims (addresses)" value={num(s.victims.count)} view="victims" params={{ campaign: c }} />
        <Headline label="victims (implant host ids)" value={s.victims.hostIds === null ? '—' : num(s.victims.hostIds)} view="victims" params={{ campaign: c, sort: '-hostIds' }}
          note={s.victims.hostIds === null ? 'no beacon carried one' : undefined} />
        <Headline label="countries" value={num(s.victims.countries)} view="victims" params={{ campaign: c, sort: 'country' }} />
        <Headline label={`of ${num(s.indicators.total)} indicators sighted`} value={num(s.indicators.sighted)} view="indicators" params={{ campaign: c, sighted: 'true' }} />
        <Headline label="builds" value={num(s.builds.count)} view="samples" params={{ campaign: c }}
          note={s.builds.anomalous ? `${s.builds.anomalous} set aside` : undefined} />
        <Headline label="authors' time zone" value={a.utcOffset === null ? 'declined' : utcOffset(a.utcOffset)} view="samples" params={{ campaign: c }}
          note={a.utcOffset === null ? a.declined ?? undefined : `score ${a.score?.toFixed(2)}${a.insideWindowShare !== null ? `, ${Math.round(a.insideWindowShare * 100)}% in office hours` : ''}`} />
        <Headline label="first seen → last seen" value={`${day(s.timeline.firstSeen)} → ${day(s.timeline.lastSeen)}`} view="sightings" small
          params={{ campaign: c, since: s.timeline.firstSeen?.slice(0, 10), until: s.timeline.lastSeen?.slice(0, 10) }} />
      </section>
      {s.excluded.crawlers + s.excluded.scanners > 0
        ? <p class="muted">Counted apart, not as victims: {s.excluded.crawlers} crawler(s), {s.excluded.scanners} scanner(s).</p> : null}

      <div class="grid">
        <section class="panel wide">
          <h2>Victims by country</h2>
          <WorldMap campaign={c} counts={s.victims.byCountry} />
        </section>
        <section class="panel">
          <h2>Countries</h2>
          <Bars rows={s.victims.byCountry.map((x) => ({ label: `${x.name} (${x.code})`, count: x.count, share: x.share, view: 'victims', params: { campaign: c, country: x.code } }))} max={15} />
        </section>
        <section class="panel">
          <h2>Sectors</h2>
          <Bars rows={s.victims.bySector.map((x) => ({ label: x.sector, count: x.count, share: x.share, view: 'victims', params: { campaign: c, sector: x.sector } }))} max={15} />
        </section>
        <section class="panel">
          <h2>Organisations</h2>
          <Bars rows={s.victims.byOrganisation.map((x) => ({
            label: x.asn !== null ? `${x.organisation} (AS${x.asn})` : x.organisation, count: x.count, view: 'victims',
            params: x.asn !== null ? { campaign: c, asn: x.asn } : { campaign: c, organisation: x.organisation },
          }))} max={OVERVIEW_TOP} />
        </section>
        <section class="panel wide">
          <h2>Timeline</h2>
          <div class="tabs" role="group" aria-label="Period">
            {(['byDay', 'byWeek', 'byMonth'] as const).map((p) => (
              <button type="button" key={p} class={p === period ? 'current' : ''} aria-pressed={p === period} onClick={() => setPeriod(p)}>
                {p === 'byDay' ? 'day' : p === 'byWeek' ? 'week' : 'month'}
              </button>
            ))}
          </div>
          <div class="timeline" role="list">
            {timeline.map((p) => {
              const key = p.day ?? p.week ?? p.month ?? '';
              const r = periodRange(key);
              return (
                <a key={key} role="listitem" class="tick" href={href('sightings', { campaign: c, since: r.since, until: r.until })}
                  title={`${key}: ${p.sightings} sightings, ${p.newVictims} new victims`}>
                  <span class="tick-bar" style={{ height: `${Math.max(2, (p.sightings / most) * 100)}%` }} />
                  <span class="tick-label">{key}</span>
                </a>
              );
            })}
          </div>
        </section>
        <section class="panel">
          <h2>Most sighted indicators</h2>
          <Bars rows={s.indicators.top.map((i) => ({ label: `${i.type} ${i.value}`, count: i.sightings, view: 'sightings', params: { campaign: c, indicator: `${i.type}:${i.value}` } }))} />
        </section>
        <section class="panel">
          <h2>Builds by year</h2>
          <Bars rows={s.builds.byYear.map((y) => ({ label: String(y.year), count: y.count, view: 'samples', params: { campaign: c } }))} max={30} />
          <p class="muted">{s.builds.lastThreeYearsShare !== null ? `${Math.round(s.builds.lastThreeYearsShare * 100)}% in the last three years; ` : ''}
            {s.builds.variants.length} variant(s)</p>
        </section>
        <section class="panel">
          <h2>Overlap</h2>
          {s.overlap.length === 0 ? <p class="muted">No other campaign shares victims or indicators.</p> : (
            <ul class="plain">
              {s.overlap.map((o) => (
                <li key={o.campaign}>
                  <a href={href('overview', { campaign: o.campaign })}>{o.campaign}</a>: {o.sharedVictims} shared victim(s), {o.sharedIndicators} shared indicator(s)
                  {o.victims.length ? <ul class="plain small">{o.victims.slice(0, OVERVIEW_TOP).map((v) => <li key={v}><a href={href('sightings', { src: v })}>{v}</a></li>)}</ul> : null}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}
