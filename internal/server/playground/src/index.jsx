// Entry point of Junction's playground bundle: GraphiQL, wired to the
// gateway on the same origin, with the workbench views as plugins (Query
// plan, Trace, Headers & token, Registry) and the documentation explorer
// showing which subgraph resolves each field. The endpoint, the registry
// path and the owners path come from data attributes that the Go server
// renders, so this bundle never needs a rebuild when they change. Nothing
// is loaded from another origin.
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import './playground.css';
import { fetcher } from './fetcher.js';
import { PlanView } from './plan.jsx';
import { TraceView } from './trace.jsx';
import { AuthView } from './auth.jsx';
import { RegistryView } from './registry.jsx';
import { OWNERS_DOC_EXPLORER } from './owners.jsx';
import { exampleQuery } from './example.js';

function Glyph({ text }) {
  return (
    <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
      <text x="12" y="16" textAnchor="middle" fontSize="11" fontWeight="700" fill="currentColor" fontFamily="sans-serif">
        {text}
      </text>
    </svg>
  );
}

const plugins = [
  { title: 'Query plan', icon: () => <Glyph text="QP" />, content: PlanView },
  { title: 'Trace', icon: () => <Glyph text="TR" />, content: TraceView },
  { title: 'Headers & token', icon: () => <Glyph text="JWT" />, content: AuthView },
  { title: 'Registry', icon: () => <Glyph text="REG" />, content: RegistryView },
];

const root = document.getElementById('graphiql');
createRoot(root).render(
  <GraphiQL
    fetcher={fetcher}
    plugins={plugins}
    referencePlugin={OWNERS_DOC_EXPLORER}
    defaultQuery={exampleQuery}
    shouldPersistHeaders={true}
    defaultEditorToolsVisibility={true}
  />,
);
