// Builds the playground bundle: one minified JS file and one CSS file under
// dist/, committed so that `go build` needs neither node nor the network.
// Run: npm ci && npm run build
import { build } from 'esbuild';

// GraphiQL's fetcher loads graphql-ws only for subscriptions over a
// WebSocket URL, which this playground never configures: resolve it to a
// stub so that the bundle holds no import of an outside module.
const noGraphQLWS = {
  name: 'no-graphql-ws',
  setup(b) {
    b.onResolve({ filter: /^graphql-ws$/ }, () => ({ path: 'graphql-ws', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: 'export function createClient() { throw new Error("subscriptions over WebSocket are not built into this playground"); }',
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: { playground: 'src/index.jsx' },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  jsx: 'automatic',
  outdir: 'dist',
  legalComments: 'eof',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.svg': 'dataurl' },
  plugins: [noGraphQLWS],
  logLevel: 'info',
});
