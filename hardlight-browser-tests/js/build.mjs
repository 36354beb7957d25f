// Bundles the test page (web/app.ts and what it imports: the HardLight runtime from ../hardlight-js
// and the TypeScript client the processor generated into target/generated-ts) into target/web with
// esbuild, and copies the HTML beside it. Run by Maven at process-test-classes.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'target', 'web');
if (!existsSync(join(root, 'target', 'generated-ts'))) {
  // The test sources were not compiled (-Dmaven.test.skip): there is no generated client to bundle.
  console.log('no target/generated-ts: the test page is not bundled');
  process.exit(0);
}

// Type-check the page with the generated module and the runtime (tsconfig.json; esbuild only strips types).
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')],
  { stdio: 'inherit' });
if (tsc.status !== 0) {
  console.error('the page does not type-check');
  process.exit(1);
}
mkdirSync(out, { recursive: true });
for (const f of readdirSync(join(root, 'web'))) {
  if (f.endsWith('.html')) {
    copyFileSync(join(root, 'web', f), join(out, f));
  }
}
await build({
  entryPoints: [join(root, 'web', 'app.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: true,
  outfile: join(out, 'app.js'),
  logLevel: 'warning',
  // The runtime from its sources, as the generated code imports it; the generated modules by path.
  alias: {
    '@hardlight/client': join(root, '..', 'hardlight-js', 'src', 'index.ts'),
    '@generated': join(root, 'target', 'generated-ts'),
  },
});
// baseline.js: the benchmark's HardLight functions again, bundled with another copy of the runtime's
// sources (HL_BASELINE_RUNTIME: e.g. an older commit's hardlight-js/src, from `git archive`), so a
// benchmark run measures a runtime change before and after in one run; without it, the same runtime.
const baseline = process.env.HL_BASELINE_RUNTIME;
await build({
  entryPoints: [join(root, 'web', 'baseline.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  outfile: join(out, 'baseline.js'),
  logLevel: 'warning',
  alias: {
    '@hardlight/client': baseline ? join(resolve(baseline), 'index.ts') : join(root, '..', 'hardlight-js', 'src', 'index.ts'),
    '@generated': join(root, 'target', 'generated-ts'),
  },
});
console.log(`bundled the test page into ${out}${baseline ? ` (baseline runtime: ${baseline})` : ''}`);
