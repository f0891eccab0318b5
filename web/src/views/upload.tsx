/**
 * Uploads: intel to import, evidence to hunt, an asset directory; then the
 * job's progress, polled until it is done, with links to what it added.
 * The upload itself goes through XMLHttpRequest, the one browser API that
 * reports upload progress.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { authHeaders, errorOf, getJson, type Job, type WhoAmI } from '../api.js';
import { Link } from '../components/common.js';
import { bytes, num } from '../format.js';

type Kind = 'hunts' | 'intel' | 'assets';

const TITLES: Record<Kind, string> = {
  hunts: 'Evidence to hunt (a log, a capture, a file)',
  intel: 'Intel to import (STIX, MISP, IOC list, YARA)',
  assets: 'Asset directory (CSV: address,organisation,sector,country)',
};

/** Posts a form, reporting bytes sent; resolves with the JSON answer. */
function send(path: string, data: FormData, onProgress: (sent: number, total: number) => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', path);
    for (const [k, v] of Object.entries(authHeaders())) x.setRequestHeader(k, v);
    x.upload.onprogress = (e) => onProgress(e.loaded, e.total);
    x.onerror = () => reject(new Error('the upload failed (connection lost)'));
    x.onload = () => {
      if (x.status >= 200 && x.status < 300) { resolve(JSON.parse(x.responseText) as unknown); return; }
      errorOf(new Response(x.responseText, { status: x.status, statusText: x.statusText })).then(reject, reject);
    };
    x.send(data);
  });
}

function JobProgress(props: { job: Job }) {
  const j = props.job;
  const total = j.progress.total ?? 0;
  const share = total > 0 ? Math.min(1, j.progress.bytes / total) : j.state === 'done' ? 1 : 0;
  const r = j.result as Record<string, unknown> | null;
  const evidence = r?.['evidence'] as { id: number; path: string } | null | undefined;
  return (
    <div class="job" data-state={j.state}>
      <p><strong>{j.kind === 'hunt' ? 'Hunt' : 'Import'}</strong> of <span class="mono">{j.file.name}</span> ({bytes(j.file.size)}): <strong class="job-state">{j.state}</strong></p>
      <progress max={1} value={share} aria-label="job progress" />
      <p class="muted small">{bytes(j.progress.bytes)} of {bytes(total)} read{j.progress.label ? `, ${num(j.progress.items)} ${j.progress.label}` : ''}</p>
      {j.state === 'failed' ? <p class="error" role="alert">{j.error}</p> : null}
      {j.state === 'done' && j.kind === 'hunt' && r ? (
        <p class="job-result">
          {num(Number(r['sightings'] ?? 0))} sighting(s) stored{Number(r['samples'] ?? 0) ? `, ${num(Number(r['samples']))} new sample(s)` : ''}.{' '}
          {evidence ? <Link view="sightings" params={{ evidence: evidence.id }}>See its sightings →</Link> : null}
        </p>
      ) : null}
      {j.state === 'done' && j.kind === 'intel' && r ? (
        <p class="job-result">{num(Number(r['added'] ?? 0))} indicator(s) added, {num(Number(r['merged'] ?? 0))} merged, {num(Number(r['warninglisted'] ?? 0))} warninglisted. <Link view="indicators">Indicators →</Link></p>
      ) : null}
      {j.diagnostics.count > 0 ? (
        <details><summary>{j.diagnostics.count} diagnostic(s), {j.diagnostics.errors} error(s)</summary>
          <ul class="plain small mono">{j.diagnostics.messages.map((m, i) => <li key={i}>{m}</li>)}</ul></details>
      ) : null}
    </div>
  );
}

function UploadForm(props: { kind: Kind; maxBytes: number }) {
  const [sent, setSent] = useState<{ loaded: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [assets, setAssets] = useState<{ added: number; replaced: number; skipped: number } | null>(null);
  const timer = useRef<number | null>(null);
  useEffect(() => () => { if (timer.current !== null) clearTimeout(timer.current); }, []);

  const poll = (id: string) => {
    getJson<Job>(`/api/jobs/${encodeURIComponent(id)}`).then((j) => {
      setJob(j);
      if (j.state === 'queued' || j.state === 'running') timer.current = window.setTimeout(() => poll(id), 400);
    }, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };

  const submit = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const file = data.get('file');
    if (!(file instanceof File) || file.name === '') { setError('Choose a file first.'); return; }
    if (file.size > props.maxBytes) { setError(`The file is larger than the server takes (${bytes(props.maxBytes)}).`); return; }
    for (const [k, v] of [...data.entries()]) if (v === '') data.delete(k);
    setError(null); setJob(null); setAssets(null); setSent({ loaded: 0, total: file.size });
    send(`/api/${props.kind}`, data, (loaded, total) => setSent({ loaded, total })).then((answer) => {
      if (props.kind === 'assets') setAssets(answer as { added: number; replaced: number; skipped: number });
      else {
        const j = (answer as { job: Job }).job;
        setJob(j);
        poll(j.id);
      }
      form.reset();
    }, (err: unknown) => { setError(err instanceof Error ? err.message : String(err)); setSent(null); });
  };

  return (
    <form class="panel upload" onSubmit={submit} data-kind={props.kind}>
      <h2>{TITLES[props.kind]}</h2>
      <label>File <input type="file" name="file" required /></label>
      {props.kind !== 'assets' ? <label>Campaign (optional) <input type="text" name="campaign" maxLength={256} placeholder="name or alias" /></label> : null}
      <button type="submit">Upload</button>
      {sent ? <p class="muted small">uploaded {bytes(sent.loaded)} of {bytes(sent.total)}</p> : null}
      {error ? <p class="error" role="alert">{error}</p> : null}
      {assets ? <p class="job-result">{assets.added} asset(s) added, {assets.replaced} replaced, {assets.skipped} row(s) skipped.</p> : null}
      {job ? <JobProgress job={job} /> : null}
    </form>
  );
}

export function Upload(props: { me: WhoAmI | null }) {
  if (props.me?.role === 'reader') return <section class="panel"><h1>Upload</h1><p>Your token is a reader's: ask for an analyst's to upload.</p></section>;
  const max = props.me?.maxUploadBytes ?? 1024 ** 3;
  return (
    <>
      <h1>Upload</h1>
      <div class="grid">
        <UploadForm kind="hunts" maxBytes={max} />
        <UploadForm kind="intel" maxBytes={max} />
        <UploadForm kind="assets" maxBytes={max} />
      </div>
      <p class="muted">Up to {bytes(max)} a file. <Link view="jobs">Every job →</Link></p>
    </>
  );
}

export function Jobs() {
  const [jobs, setJobs] = useState<Job[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let t: number | null = null;
    const load = () => getJson<{ jobs: Job[] }>('/api/jobs').then((r) => {
      setJobs(r.jobs);
      if (r.jobs.some((j) => j.state === 'queued' || j.state === 'running')) t = window.setTimeout(load, 1000);
    }, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    load();
    return () => { if (t !== null) clearTimeout(t); };
  }, []);
  return (
    <section class="panel">
      <h1>Jobs</h1>
      {error ? <p class="error" role="alert">{error}</p> : null}
      {jobs === null ? <p class="muted">Loading…</p> : jobs.length === 0 ? <p class="muted">No job since the server started.</p> : jobs.map((j) => <JobProgress key={j.id} job={j} />)}
    </section>
  );
}
