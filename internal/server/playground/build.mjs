// Builds the playground bundle: one minified JS file and one CSS file under
// dist/, committed so that `go build` needs neither node nor the network.
// Run: npm ci && npm run build
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

// dist/sources.sha256 is the hash of what the bundle was built from (this
// file, package.json, package-lock.json and src/), so that a Go test
// (TestPlaygroundBundleMatchesSources) notices sources changed without a
// rebuild. Each file counts as "path\nlength\ncontent", in path order.
const files = ['build.mjs', 'package-lock.json', 'package.json', ...readdirSync('src').map((f) => `src/${f}`)].sort();
const h = createHash('sha256');
for (const f of files) {
  const b = readFileSync(f);
  h.update(`${f}\n${b.length}\n`);
  h.update(b);
}
writeFileSync('dist/sources.sha256', `${h.digest('hex')}\n`);
