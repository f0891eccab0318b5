/** Small pieces every view uses: a link to a view, states of a load, a table, a page of rows. */
import type { ComponentChildren } from 'preact';
import type { Loaded } from '../hooks.js';
import { href, type View } from '../router.js';

export function Link(props: { view: View; params?: Record<string, string | number | undefined | null>; children: ComponentChildren; title?: string; class?: string }) {
  return <a href={href(props.view, props.params)} title={props.title} class={props.class}>{props.children}</a>;
}

export function Loading<T>(props: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  const l = props.loaded;
  if (l.state === 'loading') return <p class="muted" aria-busy="true">Loading…</p>;
  if (l.state === 'error') return <p class="error" role="alert">{l.error.message}</p>;
  return <>{props.children(l.data)}</>;
}

export function Filters(props: { params: URLSearchParams; names: readonly string[] }) {
  const shown = props.names.filter((n) => props.params.get(n));
  if (shown.length === 0) return null;
  return (
    <p class="filters">
      {shown.map((n) => <span class="chip" key={n}>{n}: <strong>{props.params.get(n)}</strong></span>)}
    </p>
  );
}

export function Table(props: { head: string[]; children: ComponentChildren; empty?: boolean }) {
  return (
    <div class="table-wrap">
      <table>
        <thead><tr>{props.head.map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
        <tbody>{props.children}</tbody>
      </table>
      {props.empty ? <p class="muted">Nothing here.</p> : null}
    </div>
  );
}

/** A horizontal bar chart where every bar is a link to the rows behind it. */
export function Bars(props: { rows: { label: string; count: number; share?: number; view: View; params: Record<string, string | number | undefined> }[]; max?: number }) {
  const top = props.rows.slice(0, props.max ?? 12);
  const most = Math.max(1, ...top.map((r) => r.count));
  return (
    <ul class="bars">
      {top.map((r) => (
        <li key={r.label}>
          <a href={href(r.view, r.params)} title={`${r.label}: ${r.count}`}>
            <span class="bar-label">{r.label}</span>
            <span class="bar-track"><span class="bar" style={{ width: `${(r.count / most) * 100}%` }} /></span>
            <span class="bar-value">{r.count}{r.share !== undefined ? ` · ${(r.share * 100).toFixed(1)}%` : ''}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}
