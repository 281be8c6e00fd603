// Bundles the dashboard (src/web) into dist/web with esbuild: app.js (one ES module, graphql-ws and uPlot inside),
// app.css (uPlot's stylesheet + ours) and index.html. No CDN: the page loads only what `cosearch serve` serves.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, 'src', 'web', 'main.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2020',
  minify: true,
  sourcemap: true,
  outfile: join(out, 'app.js'),
  logLevel: 'warning',
});
const require = createRequire(import.meta.url);
const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
writeFileSync(join(out, 'app.css'), `${uplotCss}\n${readFileSync(join(root, 'src', 'web', 'style.css'), 'utf8')}`);
copyFileSync(join(root, 'src', 'web', 'index.html'), join(out, 'index.html'));
console.log(`dashboard bundled into ${out}`);
