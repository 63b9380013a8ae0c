// The Headers & token view: a field for a JWT (sent as Authorization:
// Bearer on every request, kept in localStorage) beside GraphiQL's own
// headers editor (persisted too), and the headers the last run sent.
import { useState } from 'react';
import { getToken, setToken } from './settings.js';
import { useRun } from './store.js';

function claims(token) {
  const parts = token.replace(/^bearer\s+/i, '').split('.');
  if (parts.length !== 3) return null;
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(json);
  } catch {
    return null;
  }
}

export function AuthView() {
  const [token, setLocal] = useState(getToken());
  const run = useRun();
  const c = token.trim() ? claims(token.trim()) : null;
  const onChange = (e) => {
    setLocal(e.target.value);
    setToken(e.target.value.trim());
  };
  return (
    <div className="jn-view jn-auth-view">
      <div className="graphiql-doc-explorer-title">Headers &amp; token</div>
      <label className="jn-label" htmlFor="jn-token">
        JWT (sent as <code>Authorization: Bearer …</code>)
      </label>
      <textarea
        id="jn-token"
        className="jn-token"
        rows={4}
        spellCheck={false}
        placeholder="paste a token"
        value={token}
        onChange={onChange}
      />
      {token.trim() ? (
        <div className="jn-muted">
          {c ? (
            <>
              claims: <code>{JSON.stringify(c)}</code>
            </>
          ) : (
            'not a JWT (sent as it is)'
          )}
          <button type="button" className="jn-link" onClick={() => onChange({ target: { value: '' } })}>
            clear
          </button>
        </div>
      ) : null}
      <p className="jn-muted">
        Other headers go in the <b>Headers</b> tab under the editor (JSON); they are kept in this browser. An
        Authorization header there wins over the token field. A field the token may not see answers null with its
        error code in the response.
      </p>
      {run && run.headers ? (
        <>
          <h3 className="jn-h3">Headers of the last run</h3>
          <table className="jn-headers">
            <tbody>
              {Object.entries(run.headers).map(([k, v]) => (
                <tr key={k}>
                  <td>{k}</td>
                  <td>{k === 'authorization' ? v.replace(/^(Bearer .{0,12}).*$/i, '$1…') : v}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  );
}
