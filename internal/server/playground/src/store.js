// A tiny store of what the playground saw on its last run (the plan and
// trace from the response extensions, each payload with its arrival time,
// the request headers sent). Views subscribe to it with useRun().
import { useSyncExternalStore } from 'react';

let state = { run: null, seq: 0 };
const listeners = new Set();

function emit(next) {
  state = { ...next, seq: state.seq + 1 };
  for (const l of listeners) l();
}

let ids = 0;

// startRun begins recording a run (replacing the last one) and returns its
// id; the functions below ignore ids of runs that were replaced.
export function startRun(params) {
  ids += 1;
  emit({ run: { id: ids, params, headers: null, started: performance.now(), payloads: [], plan: null, trace: null, done: false, error: null } });
  return ids;
}

function update(id, f) {
  if (state.run && state.run.id === id) emit({ run: f(state.run) });
}

// addPayload records one payload of run id (the first carries the plan and
// trace extensions) and the request headers that were sent.
export function addPayload(id, body, headers) {
  update(id, (run) => {
    const ext = body && body.extensions;
    return {
      ...run,
      headers: run.headers || headers || null,
      payloads: [...run.payloads, { at: performance.now() - run.started, body }],
      plan: run.plan || (ext && ext.apolloQueryPlan) || null,
      // A @defer response's last payload carries the whole trace.
      trace: (ext && ext.junctionTrace) || run.trace || null,
    };
  });
}

export function finishRun(id, error) {
  update(id, (run) => ({ ...run, done: true, error: error ? String(error) : null }));
}

export function currentRun() {
  return state.run;
}

function subscribe(l) {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useRun() {
  return useSyncExternalStore(subscribe, () => state).run;
}
