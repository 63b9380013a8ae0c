// The Query plan view: the plan Junction would run for the operation in the
// editor (asked with Junction-Query-Plan-Only as the text changes, before
// running) and the plan of the last run, drawn as a tree of Sequence /
// Parallel / Flatten / Fetch / Condition / Defer nodes with the text form
// beside it.
import { useEffect, useState } from 'react';
import { parse, print } from 'graphql';
import { useEditorContext, useOperationsEditorState, useVariablesEditorState } from '@graphiql/react';
import { planOnly } from './fetcher.js';
import { useRun } from './store.js';

function pretty(op) {
  try {
    return print(parse(op));
  } catch {
    return op;
  }
}

function selectionText(sels, indent = '') {
  if (!sels) return '';
  return sels
    .map((s) => {
      if (s.kind === 'InlineFragment') {
        return `${indent}... on ${s.typeCondition} {\n${selectionText(s.selections, indent + '  ')}\n${indent}}`;
      }
      const name = s.alias ? `${s.alias}: ${s.name}` : s.name;
      return s.selections ? `${indent}${name} {\n${selectionText(s.selections, indent + '  ')}\n${indent}}` : indent + name;
    })
    .join('\n');
}

function Fetch({ node, path }) {
  return (
    <div className="jn-plan-node jn-plan-fetch" data-service={node.serviceName}>
      <div className="jn-plan-head">
        <span className="jn-plan-kind">Fetch</span>
        <span className="jn-service">{node.serviceName}</span>
        {path ? <span className="jn-plan-path">{path}</span> : <span className="jn-plan-path">(root)</span>}
      </div>
      {node.requires ? (
        <details className="jn-plan-requires">
          <summary>requires</summary>
          <pre>{selectionText(node.requires)}</pre>
        </details>
      ) : null}
      <pre className="jn-plan-selection">{pretty(node.operation)}</pre>
    </div>
  );
}

function Group({ kind, label, children }) {
  return (
    <div className={`jn-plan-node jn-plan-${kind.toLowerCase()}`}>
      <div className="jn-plan-head">
        <span className="jn-plan-kind">{kind}</span>
        {label ? <span className="jn-plan-path">{label}</span> : null}
      </div>
      <div className="jn-plan-children">{children}</div>
    </div>
  );
}

export function PlanNode({ node, path }) {
  if (!node) return null;
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      return (
        <Group kind={node.kind}>
          {node.nodes.map((n, i) => (
            <PlanNode key={i} node={n} path={path} />
          ))}
        </Group>
      );
    case 'Flatten': {
      const p = node.path.join('.');
      return (
        <Group kind="Flatten" label={p}>
          <PlanNode node={node.node} path={p} />
        </Group>
      );
    }
    case 'Fetch':
      return <Fetch node={node} path={path} />;
    case 'Condition':
      return (
        <Group kind="Condition" label={`$${node.condition}`}>
          {node.ifClause ? (
            <div className="jn-plan-branch">
              <span className="jn-plan-branch-label">if true</span>
              <PlanNode node={node.ifClause} path={path} />
            </div>
          ) : null}
          {node.elseClause ? (
            <div className="jn-plan-branch">
              <span className="jn-plan-branch-label">else</span>
              <PlanNode node={node.elseClause} path={path} />
            </div>
          ) : null}
        </Group>
      );
    case 'Defer':
      return (
        <Group kind="Defer">
          <div className="jn-plan-branch">
            <span className="jn-plan-branch-label">primary</span>
            <PlanNode node={node.primary && node.primary.node} path={path} />
          </div>
          {node.deferred.map((b, i) => (
            <div className="jn-plan-branch jn-plan-deferred" key={i}>
              <span className="jn-plan-branch-label">
                deferred{b.label ? ` "${b.label}"` : ''} at {(b.queryPath || []).join('.') || '(root)'}
              </span>
              {b.subselection ? <pre className="jn-plan-selection">{b.subselection}</pre> : null}
              <PlanNode node={b.node} path={path} />
            </div>
          ))}
        </Group>
      );
    default:
      return <div className="jn-plan-node">{node.kind}</div>;
  }
}

export function countFetches(node) {
  if (!node) return 0;
  switch (node.kind) {
    case 'Fetch':
      return 1;
    case 'Flatten':
      return countFetches(node.node);
    case 'Sequence':
    case 'Parallel':
      return node.nodes.reduce((n, c) => n + countFetches(c), 0);
    case 'Condition':
      return countFetches(node.ifClause) + countFetches(node.elseClause);
    case 'Defer':
      return countFetches(node.primary && node.primary.node) + node.deferred.reduce((n, b) => n + countFetches(b.node), 0);
    default:
      return 0;
  }
}

export function Plan({ plan, source }) {
  if (!plan) return null;
  const root = plan.object && plan.object.node;
  return (
    <div className="jn-plan" data-source={source}>
      <div className="jn-plan-summary">
        {countFetches(root)} subgraph fetch{countFetches(root) === 1 ? '' : 'es'}
      </div>
      <div className="jn-plan-columns">
        <div className="jn-plan-tree">{root ? <PlanNode node={root} path="" /> : <em>nothing to fetch</em>}</div>
        <pre className="jn-plan-text">{plan.text}</pre>
      </div>
    </div>
  );
}

function parseVariables(text) {
  try {
    const v = text && text.trim() ? JSON.parse(text) : undefined;
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

export function PlanView() {
  const [query] = useOperationsEditorState();
  const [variablesText] = useVariablesEditorState();
  const { queryEditor } = useEditorContext({ nonNull: true, caller: PlanView });
  const operationName = queryEditor && queryEditor.operationName;
  const run = useRun();
  const [tab, setTab] = useState('editor');
  const [state, setState] = useState({ plan: null, error: null, loading: false });

  useEffect(() => {
    if (!query || !query.trim()) {
      setState({ plan: null, error: null, loading: false });
      return undefined;
    }
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    const t = setTimeout(() => {
      planOnly(query, parseVariables(variablesText), operationName)
        .then((plan) => live && setState({ plan, error: null, loading: false }))
        .catch((e) => live && setState({ plan: null, error: e.message, loading: false }));
    }, 300);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [query, variablesText, operationName]);

  const lastPlan = run && run.plan;
  return (
    <div className="jn-view jn-plan-view">
      <div className="graphiql-doc-explorer-title">Query plan</div>
      <div className="jn-tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'editor'} className="jn-tab" data-tab="editor" onClick={() => setTab('editor')}>
          Editor (before running)
        </button>
        <button type="button" role="tab" aria-selected={tab === 'run'} className="jn-tab" data-tab="run" onClick={() => setTab('run')}>
          Last run
        </button>
      </div>
      {tab === 'editor' ? (
        <>
          {state.loading ? <div className="jn-muted">planning…</div> : null}
          {state.error ? <pre className="jn-error">{state.error}</pre> : null}
          <Plan plan={state.plan} source="editor" />
        </>
      ) : lastPlan ? (
        <Plan plan={lastPlan} source="run" />
      ) : (
        <div className="jn-muted">Run an operation to see the plan it ran with.</div>
      )}
    </div>
  );
}
