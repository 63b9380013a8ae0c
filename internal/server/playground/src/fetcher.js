// The fetcher: GraphiQL's own (createGraphiQLFetcher, which reads
// multipart/mixed @defer responses with meros, and runs subscriptions over
// a graphql-transport-ws WebSocket at the same path, the token sent in the
// connection_init payload), with Junction's workbench
// headers added to every operation the user runs, the JWT field's token as
// Authorization, and each payload recorded in the store as it arrives.
// The plan and trace extensions are moved out of the response pane into
// the Query plan and Trace views.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { createClient } from 'graphql-ws';
import { addPayload, finishRun, startRun } from './store.js';
import { getToken, page } from './settings.js';

const ACCEPT = 'multipart/mixed;deferSpec=20220824, application/graphql-response+json, application/json;q=0.9';

function withHeaders(init, extra) {
  const h = new Headers(init.headers || {});
  for (const [k, v] of Object.entries(extra)) {
    if (!h.has(k)) h.set(k, v);
  }
  return h;
}

// authHeader returns the token field's Authorization, unless the token is
// empty.
export function authHeaders() {
  const t = getToken().trim();
  if (!t) return {};
  return { authorization: /^bearer\s/i.test(t) ? t : `Bearer ${t}` };
}

let lastSent = null;

async function workbenchFetch(url, init) {
  const headers = withHeaders(init, {
    'junction-expose-query-plan': 'true',
    'junction-include-trace': 'true',
    ...authHeaders(),
  });
  headers.set('accept', ACCEPT);
  lastSent = Object.fromEntries([...headers.entries()].sort());
  return fetch(url, { ...init, headers, credentials: 'same-origin' });
}

async function schemaFetch(url, init) {
  const headers = withHeaders(init, authHeaders());
  headers.set('accept', 'application/graphql-response+json, application/json;q=0.9');
  const res = await fetch(url, { ...init, headers, credentials: 'same-origin' });
  return res;
}

// strip removes the workbench extensions from what the response pane shows.
function strip(body) {
  if (!body || typeof body !== 'object' || !body.extensions) return body;
  const { apolloQueryPlan, junctionTrace, ...rest } = body.extensions;
  const out = { ...body };
  if (Object.keys(rest).length) out.extensions = rest;
  else delete out.extensions;
  return out;
}

// wsURL is the GraphQL endpoint as a ws:// (wss://) URL.
function wsURL(endpoint) {
  const u = new URL(endpoint, window.location.href);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

// The socket opens at the first subscription and closes when none is left;
// its connection_init carries the token as it is when it (re)connects.
const wsClient = createClient({ url: wsURL(page.endpoint), lazy: true, connectionParams: () => authHeaders() });

const base = createGraphiQLFetcher({ url: page.endpoint, fetch: workbenchFetch, wsClient });
const introspection = createGraphiQLFetcher({ url: page.endpoint, fetch: schemaFetch, enableIncrementalDelivery: false });

export function fetcher(params, opts) {
  if (params.operationName === 'IntrospectionQuery') {
    return introspection(params, opts);
  }
  const run = startRun(params);
  const record = (body) => addPayload(run, body, lastSent);
  return (async () => {
    let res;
    try {
      res = await base(params, opts);
    } catch (e) {
      finishRun(run, e);
      throw e;
    }
    if (res && typeof res[Symbol.asyncIterator] === 'function') {
      return (async function* stream() {
        try {
          for await (const chunk of res) {
            const parts = Array.isArray(chunk) ? chunk : [chunk];
            parts.forEach(record);
            yield Array.isArray(chunk) ? parts.map(strip) : strip(chunk);
          }
          finishRun(run);
        } catch (e) {
          finishRun(run, e);
          throw e;
        }
      })();
    }
    record(res);
    finishRun(run);
    return strip(res);
  })();
}

// planOnly asks the gateway for the plan of an operation without running
// it (Junction-Query-Plan-Only); resolves to the apolloQueryPlan extension,
// or throws with the GraphQL errors' messages.
export async function planOnly(query, variables, operationName) {
  const res = await fetch(page.endpoint, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json;q=0.9',
      'junction-query-plan-only': 'true',
      ...authHeaders(),
    },
    body: JSON.stringify({ query, variables, operationName: operationName || undefined }),
  });
  const body = await res.json();
  if (body.errors && body.errors.length) {
    throw new Error(body.errors.map((e) => e.message + (e.extensions && e.extensions.code ? ` (${e.extensions.code})` : '')).join('\n'));
  }
  const plan = body.extensions && body.extensions.apolloQueryPlan;
  if (!plan) throw new Error('the gateway returned no plan');
  return plan;
}
