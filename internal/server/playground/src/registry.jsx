// The Registry view: what the registry API (/registry/graphql on this
// origin) exposes about the served supergraph: its version, its subgraphs
// with their URLs (and SDL when the API has it), and the history of
// supergraphs when the API has one. The query is built from the API's own
// introspection, so fields it lacks are simply not shown; with no registry
// configured or reachable the view says so.
import { useEffect, useState } from 'react';
import { authHeaders } from './fetcher.js';
import { page } from './settings.js';

async function post(query) {
  const res = await fetch(page.registry, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...authHeaders() },
    body: JSON.stringify({ query }),
  });
  if (!res.ok && !(res.headers.get('content-type') || '').includes('json')) {
    throw new Error(`HTTP ${res.status}`);
  }
  const body = await res.json();
  if (body.errors && body.errors.length) throw new Error(body.errors.map((e) => e.message).join('\n'));
  return body.data;
}

const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name } } }';

function named(t) {
  while (t && t.ofType) t = t.ofType;
  return t;
}

// leaves selects the scalar and enum fields without required arguments of
// type name, and one level of object fields' leaves.
function leaves(types, name, depth = 0) {
  const t = types[name];
  if (!t || !t.fields) return '';
  const out = [];
  for (const f of t.fields) {
    if ((f.args || []).some((a) => a.type.kind === 'NON_NULL')) continue;
    const n = named(f.type);
    if (n.kind === 'SCALAR' || n.kind === 'ENUM') out.push(f.name);
    else if (n.kind === 'OBJECT' && depth === 0 && types[n.name]) {
      const sub = leaves(types, n.name, 1);
      if (sub) out.push(`${f.name} { ${sub} }`);
    }
  }
  return out.join(' ');
}

async function load() {
  const intro = await post(`{ __schema { queryType { name } types { name kind fields { name args { name type { kind } } type { ${TYPE_REF} } } } } }`);
  const types = {};
  for (const t of intro.__schema.types) types[t.name] = t;
  const q = types[intro.__schema.queryType.name];
  const parts = [];
  for (const f of q.fields || []) {
    if ((f.args || []).some((a) => a.type.kind === 'NON_NULL')) continue;
    const n = named(f.type);
    if (n.kind === 'OBJECT') {
      const sel = leaves(types, n.name);
      if (sel) parts.push(`${f.name} { ${sel} }`);
    } else if (n.kind === 'SCALAR' || n.kind === 'ENUM') parts.push(f.name);
  }
  if (!parts.length) throw new Error('the registry API exposes nothing to show');
  return post(`{ ${parts.join(' ')} }`);
}

const LONG = /sdl|schema/i;

function Value({ name, value }) {
  if (value === null || value === undefined) return <span className="jn-muted">—</span>;
  if (typeof value === 'string' && (LONG.test(name) || value.length > 120)) {
    return (
      <details className="jn-sdl">
        <summary>{value.split('\n').length} lines</summary>
        <pre>{value}</pre>
      </details>
    );
  }
  if (typeof value === 'object') return <Record obj={value} />;
  return <code>{String(value)}</code>;
}

function Record({ obj }) {
  return (
    <table className="jn-record">
      <tbody>
        {Object.entries(obj).map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td>
              <Value name={k} value={v} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RegistryView() {
  const [state, setState] = useState({ data: null, error: null, loading: !!page.registry });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    if (!page.registry) return undefined;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load()
      .then((data) => live && setState({ data, error: null, loading: false }))
      .catch((e) => live && setState({ data: null, error: e.message, loading: false }));
    return () => {
      live = false;
    };
  }, [nonce]);
  return (
    <div className="jn-view jn-registry-view">
      <div className="graphiql-doc-explorer-title">Registry</div>
      {!page.registry ? <div className="jn-muted">No registry API is configured for this gateway.</div> : null}
      {page.registry ? (
        <button type="button" className="jn-link" onClick={() => setNonce(nonce + 1)}>
          reload
        </button>
      ) : null}
      {state.loading ? <div className="jn-muted">loading…</div> : null}
      {state.error ? (
        <div className="jn-muted">
          The registry API at <code>{page.registry}</code> is not available: <span className="jn-error">{state.error}</span>
        </div>
      ) : null}
      {state.data
        ? Object.entries(state.data).map(([k, v]) => (
            <section key={k} className="jn-registry-section" data-field={k}>
              <h3 className="jn-h3">{k}</h3>
              {Array.isArray(v) ? (
                v.map((item, i) => (
                  <div key={i} className="jn-registry-item">
                    {item && typeof item === 'object' ? <Record obj={item} /> : <Value name={k} value={item} />}
                  </div>
                ))
              ) : (
                <Value name={k} value={v} />
              )}
            </section>
          ))
        : null}
    </div>
  );
}
