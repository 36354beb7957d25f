// Bundles the runtime into one minified ES module, dist/hardlight.min.js (what a page loads without a bundler).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/index.ts'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  outfile: 'dist/hardlight.min.js',
  legalComments: 'none',
  logLevel: 'warning',
});
