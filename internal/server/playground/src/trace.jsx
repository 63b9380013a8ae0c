// The Trace view: after a run, a waterfall of the subgraph fetches the
// gateway made (extensions.junctionTrace, asked with Junction-Include-Trace)
// with their timings, sizes and errors, and the payloads of the response as
// they arrived (one for a plain response, several for @defer).
import { useRun } from './store.js';

function ms(us) {
  return `${(us / 1000).toFixed(us < 10000 ? 2 : 1)} ms`;
}

function size(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function Waterfall({ trace }) {
  const fetches = trace.fetches || [];
  const total = Math.max(trace.durationUs || 0, ...fetches.map((f) => f.endUs), 1);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <div className="jn-waterfall">
      <div className="jn-trace-summary">
        {fetches.length} subgraph fetch{fetches.length === 1 ? '' : 'es'} in {ms(trace.durationUs || 0)}
      </div>
      <div className="jn-trace-axis">
        {ticks.map((t) => (
          <span key={t} style={{ left: `${t * 100}%` }}>
            {ms(total * t)}
          </span>
        ))}
      </div>
      {fetches.map((f, i) => {
        const failed = f.error || (f.errors && f.errors.length);
        return (
          <div className={`jn-trace-row${failed ? ' jn-trace-failed' : ''}`} key={i} data-service={f.service}>
            <div className="jn-trace-label" title={f.operationName || ''}>
              <span className="jn-service">{f.service}</span>
              <span className="jn-plan-path">{f.path || '(root)'}</span>
            </div>
            <div className="jn-trace-lane">
              <div
                className="jn-trace-bar"
                style={{
                  left: `${(f.startUs / total) * 100}%`,
                  width: `${Math.max(((f.endUs - f.startUs) / total) * 100, 0.5)}%`,
                }}
              />
            </div>
            <div className="jn-trace-numbers">
              {ms(f.endUs - f.startUs)} · {size(f.bytes || 0)}
            </div>
            {f.error ? (
              <div className="jn-error jn-trace-error">
                {f.error.message} ({f.error.code})
              </div>
            ) : null}
            {(f.errors || []).map((m, j) => (
              <div className="jn-error jn-trace-error" key={j}>
                {m}
              </div>
            ))}
          </div>
        );
      })}
    </div>
  );
}

function describe(body, index) {
  if (!body || typeof body !== 'object') return String(body);
  if (index === 0 || body.data !== undefined) {
    const errs = body.errors ? `, ${body.errors.length} error(s)` : '';
    return `initial payload${errs}`;
  }
  const inc = body.incremental || [];
  return inc.map((i) => `${i.label ? `"${i.label}" ` : ''}at ${(i.path || []).join('.') || '(root)'}${i.errors ? ` (${i.errors.length} error(s))` : ''}`).join('; ') || 'no data';
}

export function Payloads({ run }) {
  return (
    <ol className="jn-payloads">
      {run.payloads.map((p, i) => (
        <li className="jn-payload" key={i} data-has-next={String(!!(p.body && p.body.hasNext))}>
          <span className="jn-payload-time">+{p.at.toFixed(1)} ms</span> <span className="jn-payload-desc">{describe(p.body, i)}</span>
          {p.body && p.body.hasNext ? <span className="jn-muted"> · more to come</span> : null}
          <details>
            <summary>JSON</summary>
            <pre>{JSON.stringify(p.body, null, 2)}</pre>
          </details>
        </li>
      ))}
    </ol>
  );
}

export function TraceView() {
  const run = useRun();
  return (
    <div className="jn-view jn-trace-view">
      <div className="graphiql-doc-explorer-title">Trace</div>
      {!run ? <div className="jn-muted">Run an operation to see its subgraph fetches.</div> : null}
      {run && run.trace ? <Waterfall trace={run.trace} /> : null}
      {run && !run.trace && run.done ? <div className="jn-muted">The response carried no trace.</div> : null}
      {run && run.error ? <pre className="jn-error">{run.error}</pre> : null}
      {run ? (
        <>
          <h3 className="jn-h3">
            Response payloads {run.done ? `(${run.payloads.length})` : '(receiving…)'}
          </h3>
          <Payloads run={run} />
        </>
      ) : null}
    </div>
  );
}
