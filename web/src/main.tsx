/**
 * Sightline's dashboard: a team's live view of a case, over the API of
 * `sightline serve`. Routes are in the URL's hash (router.ts); every string
 * from the case is rendered as text by Preact (no raw HTML anywhere).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson, getToken, onUnauthorised, setToken, type WhoAmI } from './api.js';
import { href, useRoute, type View } from './router.js';
import { Evidence } from './views/evidence.js';
import { Indicators } from './views/indicators.js';
import { Overview } from './views/overview.js';
import { Samples } from './views/samples.js';
import { Search } from './views/search.js';
import { Sightings } from './views/sightings.js';
import { Jobs, Upload } from './views/upload.js';
import { Victims } from './views/victims.js';
import './styles.css';

const NAV: [View, string][] = [['overview', 'Overview'], ['victims', 'Victims'], ['sightings', 'Sightings'], ['samples', 'Samples'],
  ['indicators', 'Indicators'], ['evidence', 'Evidence'], ['upload', 'Upload'], ['jobs', 'Jobs']];

function TokenForm(props: { onDone: () => void }) {
  return (
    <form class="panel token" onSubmit={(e) => {
      e.preventDefault();
      const v = String(new FormData(e.currentTarget as HTMLFormElement).get('token') ?? '').trim();
      setToken(v === '' ? null : v);
      props.onDone();
    }}>
      <h1>A token is needed</h1>
      <p>This server asks for a token (<span class="mono">sightline token create --role reader|analyst</span>). It is kept in this tab only.</p>
      <label>Token <input type="password" name="token" autocomplete="off" required /></label>
      <button type="submit">Use it</button>
    </form>
  );
}

function App() {
  const route = useRoute();
  const [me, setMe] = useState<WhoAmI | null>(null);
  const [needToken, setNeedToken] = useState(false);
  const [generation, setGeneration] = useState(0);
  useEffect(() => onUnauthorised(() => setNeedToken(true)), []);
  useEffect(() => {
    getJson<WhoAmI>('/api/whoami').then((m) => { setMe(m); setNeedToken(false); }, () => {});
  }, [generation]);
  const search = route.view === 'search' ? route.params.get('q') ?? '' : '';
  let body;
  if (needToken) body = <TokenForm onDone={() => { setNeedToken(false); setGeneration((g) => g + 1); }} />;
  else {
    switch (route.view) {
      case 'victims': body = <Victims params={route.params} />; break;
      case 'sightings': body = <Sightings params={route.params} />; break;
      case 'evidence': body = <Evidence params={route.params} />; break;
      case 'samples': body = <Samples params={route.params} />; break;
      case 'indicators': body = <Indicators params={route.params} />; break;
      case 'search': body = <Search params={route.params} />; break;
      case 'upload': body = <Upload me={me} />; break;
      case 'jobs': body = <Jobs />; break;
      default: body = <Overview params={route.params} />;
    }
  }
  return (
    <>
      <header class="top">
        <a class="brand" href={href('overview')}>Sightline</a>
        <nav aria-label="Views">
          {NAV.map(([v, label]) => (
            <a key={v} href={href(v)} class={route.view === v ? 'current' : ''} aria-current={route.view === v ? 'page' : undefined}>{label}</a>
          ))}
        </nav>
        <form class="search" role="search" onSubmit={(e) => {
          e.preventDefault();
          const q = String(new FormData(e.currentTarget as HTMLFormElement).get('q') ?? '').trim();
          location.hash = href('search', { q });
        }}>
          <input type="search" name="q" placeholder="indicator, host or hash" aria-label="Search by indicator, host or hash" value={search} key={search} />
        </form>
        {me ? <span class="whoami muted small">{me.role}{getToken() ? <button type="button" class="link" onClick={() => { setToken(null); setGeneration((g) => g + 1); }}>forget token</button> : null}</span> : null}
      </header>
      <main>{body}</main>
      <footer class="muted small">
        Sightline {me?.version ?? ''} · every number links to the rows behind it · {me?.credits.join(' ') ?? ''} Map: Natural Earth (public domain) via world-atlas.
      </footer>
    </>
  );
}

render(<App />, document.getElementById('app')!);
