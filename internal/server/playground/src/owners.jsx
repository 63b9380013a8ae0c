// The documentation explorer with field owners: GraphiQL's explorer, plus
// which subgraph resolves each field ("resolved by accounts, products
// (shareable)"), from the gateway's /playground/owners.json (derived from
// the supergraph's @join__type / @join__field; names only, no URLs). On a
// type's page each field gets a badge; on a field's page a line under the
// title; the type's own page lists the subgraphs and keys.
import { useEffect, useRef, useState } from 'react';
import { DOC_EXPLORER_PLUGIN, DocExplorer, useDocExplorer } from '@graphiql/plugin-doc-explorer';
import { page } from './settings.js';

let ownersPromise = null;
function loadOwners() {
  if (!page.owners) return Promise.resolve(null);
  if (!ownersPromise) {
    ownersPromise = fetch(page.owners, { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : null))
      .catch(() => null);
  }
  return ownersPromise;
}

export function describeField(f) {
  if (!f) return '';
  let s = f.resolvedBy.length ? `resolved by ${f.resolvedBy.join(', ')}` : 'resolved by no subgraph';
  if (f.shareable) s += ' (shareable)';
  const extra = [];
  for (const [sg, fs] of Object.entries(f.requires || {})) extra.push(`${sg} requires ${fs}`);
  for (const [sg, from] of Object.entries(f.override || {})) extra.push(`${sg} overrides ${from}`);
  for (const [sg, fs] of Object.entries(f.provides || {})) extra.push(`${sg} provides ${fs}`);
  if (f.external && f.external.length) extra.push(`external in ${f.external.join(', ')}`);
  return extra.length ? `${s}; ${extra.join('; ')}` : s;
}

function describeType(t) {
  let s = `declared in ${t.subgraphs.join(', ')}`;
  if (t.keys && t.keys.length) s += `; keys: ${t.keys.map((k) => `${k.subgraph} @key(fields: "${k.fields}")${k.resolvable ? '' : ' (not resolvable)'}`).join(', ')}`;
  return s;
}

function isField(def) {
  return def && 'args' in def && 'type' in def && !('getFields' in def);
}

function setNote(container, cls, text) {
  let el = container.querySelector(`:scope > .${cls}`);
  if (!text) {
    if (el) el.remove();
    return;
  }
  if (!el) {
    el = document.createElement('div');
    el.className = `jn-owner ${cls}`;
    container.prepend(el);
  }
  if (el.textContent !== text) el.textContent = text;
}

// annotate writes the owners into the explorer's DOM for the current page.
function annotate(root, owners, stack) {
  const content = root.querySelector('.graphiql-doc-explorer-content');
  if (!content || !owners) return;
  const top = stack[stack.length - 1];
  const def = top && top.def;
  let typeName = null;
  let fieldNote = '';
  let typeNote = '';
  if (isField(def)) {
    const parent = [...stack].reverse().find((it) => it.def && 'getFields' in it.def);
    const t = parent && owners.types[parent.def.name];
    fieldNote = t && t.fields ? describeField(t.fields[def.name]) : '';
  } else if (def && 'getFields' in def) {
    typeName = def.name;
    const t = owners.types[typeName];
    typeNote = t ? describeType(t) : '';
  }
  setNote(content, 'jn-owner-field', fieldNote ? fieldNote[0].toUpperCase() + fieldNote.slice(1) : '');
  setNote(content, 'jn-owner-type', typeNote ? typeNote[0].toUpperCase() + typeNote.slice(1) : '');
  // Badges next to each field of a type's page.
  const t = typeName && owners.types[typeName];
  for (const a of content.querySelectorAll('a.graphiql-doc-explorer-field-name')) {
    const item = a.parentElement;
    let badge = item.querySelector(':scope > .jn-owner-badge');
    const f = t && t.fields && t.fields[a.textContent];
    const text = f ? f.resolvedBy.join(', ') + (f.shareable ? ' (shareable)' : '') : '';
    if (!text) {
      if (badge) badge.remove();
      continue;
    }
    if (!badge) {
      badge = document.createElement('span');
      badge.className = 'jn-owner-badge';
      a.after(badge);
    }
    if (badge.textContent !== text) badge.textContent = text;
    badge.title = describeField(f);
  }
}

function OwnersDocExplorer() {
  const ref = useRef(null);
  const stack = useDocExplorer();
  const [owners, setOwners] = useState(null);
  useEffect(() => {
    let live = true;
    loadOwners().then((o) => live && setOwners(o));
    return () => {
      live = false;
    };
  }, []);
  useEffect(() => {
    const root = ref.current;
    if (!root || !owners) return undefined;
    annotate(root, owners, stack);
    const obs = new MutationObserver(() => annotate(root, owners, stack));
    obs.observe(root, { childList: true, subtree: true });
    return () => obs.disconnect();
  }, [owners, stack]);
  return (
    <div ref={ref} className="jn-doc-explorer">
      <DocExplorer />
    </div>
  );
}

// The explorer plugin, keeping GraphiQL's title and icon (so its button
// and keyboard shortcut stay the same).
export const OWNERS_DOC_EXPLORER = { ...DOC_EXPLORER_PLUGIN, content: OwnersDocExplorer };
