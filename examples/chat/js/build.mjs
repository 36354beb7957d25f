// Bundles the chat page (web/app.ts, the client the processor generated from Chat.java into
// target/generated-ts, and the HardLight runtime from ../../hardlight-js) into target/web with
// esbuild, beside the page's HTML and CSS. Run by Maven at process-classes.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'target', 'web');

// Type-check the page with the generated module and the runtime (tsconfig.json; esbuild only strips types).
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')],
  { stdio: 'inherit' });
if (tsc.status !== 0) {
  console.error('the page does not type-check');
  process.exit(1);
}
mkdirSync(out, { recursive: true });
for (const f of readdirSync(join(root, 'web'))) {
  if (f.endsWith('.html') || f.endsWith('.css')) {
    copyFileSync(join(root, 'web', f), join(out, f));
  }
}
await build({
  entryPoints: [join(root, 'web', 'app.ts')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: true,
  outfile: join(out, 'app.js'),
  logLevel: 'warning',
  alias: {
    '@hardlight/client': join(root, '..', '..', 'hardlight-js', 'src', 'index.ts'),
    '@generated': join(root, 'target', 'generated-ts', 'dev', 'hardlight', 'examples', 'chat'),
  },
});
console.log(`bundled the chat page into ${out}`);
