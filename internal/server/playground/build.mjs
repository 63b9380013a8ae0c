// Builds the playground bundle: one minified JS file and one CSS file under
// dist/, committed so that `go build` needs neither node nor the network.
// Run: npm ci && npm run build
import { build } from 'esbuild';

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
  logLevel: 'info',
});
