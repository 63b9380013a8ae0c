// The playground's own settings, kept in this origin's localStorage.
const TOKEN_KEY = 'junction:token';

export function getToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

export function setToken(v) {
  try {
    if (v) localStorage.setItem(TOKEN_KEY, v);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage disabled: the token lasts for this page only
  }
}

// page holds what the Go server rendered into the page's data attributes.
const root = document.getElementById('graphiql');
export const page = {
  endpoint: root.dataset.endpoint || '/graphql',
  registry: root.dataset.registry || '',
  owners: root.dataset.owners || '',
};
