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
  // Members used only between the runtime's own classes get short names in the bundle (the tsc output
  // in dist/ keeps them). Public names (ts-api.md) and platform names must never be listed here.
  mangleProps: /^(_\w+|keepAfterGoAway|closeIfDrained|closeByClient|stateChanged|eventsMissed|goingAway|refusal|usable|isClosed|closedBy|muted|onClosed|unknownCase|skipped|lost|event|gap|onAbort|fail|goAway|types|extensions|offer|missed|here|there|memo|named|root|components|items|params|throws|compareNamed|field|eat|expect|grant|settle|timer|takers|failers|onMd|kind)$/,
  logLevel: 'warning',
});
