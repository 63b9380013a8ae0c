// Entry point of Junction's playground bundle: GraphiQL, wired to the
// gateway's GraphQL endpoint on the same origin. The endpoint path comes from
// the data-endpoint attribute of the #graphiql element that the Go server
// renders, so this bundle never needs a rebuild when the path changes.
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import './playground.css';

const root = document.getElementById('graphiql');
const endpoint = root.dataset.endpoint || '/graphql';

// fetcher posts one GraphQL-over-HTTP request and returns the decoded body.
// Error statuses (400 for a validation error) still carry a GraphQL response,
// so the body is shown whatever the status.
async function fetcher(params, opts) {
  const res = await fetch(endpoint, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      accept: 'application/graphql-response+json, application/json;q=0.9',
      'content-type': 'application/json',
      ...(opts && opts.headers),
    },
    body: JSON.stringify(params),
  });
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `HTTP ${res.status}: ${text}` }] };
  }
}

createRoot(root).render(<GraphiQL fetcher={fetcher} defaultEditorToolsVisibility={true} />);
