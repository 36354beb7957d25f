// The codec benchmark (codec-order.mjs) in headless Chromium, the runtime bundled from src/ and, when a
// second directory is given, a baseline runtime's sources beside it (e.g. an older commit's
// hardlight-js/src from `git archive`), measured in the same page:
//   node scripts/codec-bench-chromium.mjs [baseline-src-dir] [chunks=300] [chunk=1000]
// The page is cross-origin isolated (performance.now() to 5 us); the four functions of each runtime
// take turns in chunks of `chunk` operations, and each function's fastest and median chunk are kept:
// on a shared machine the fastest chunk is the one least disturbed by other processes.
// Chromium: HL_CHROMIUM or /usr/bin/chromium.
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [baseline, chunksArg, sizeArg] = process.argv.slice(2);
const chunks = Number(chunksArg ?? 300);
const size = Number(sizeArg ?? 1000);

async function bundle(src, name) {
  const r = await build({
    stdin: {
      contents: `import * as hl from '@runtime'; import { orderBench } from './codec-order.mjs'; globalThis[${JSON.stringify(name)}] = orderBench(hl);`,
      resolveDir: here,
    },
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2022',
    write: false,
    alias: { '@runtime': join(resolve(src), 'index.ts') },
    logLevel: 'warning',
  });
  return r.outputFiles[0].text;
}

const runtimes = { runtime: join(here, '..', 'src') };
if (baseline) runtimes.baseline = baseline;
const scripts = await Promise.all(Object.entries(runtimes).map(([name, src]) => bundle(src, name)));
const browser = await chromium.launch({
  executablePath: process.env.HL_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage();
  await page.route('https://bench.test/', (route) => route.fulfill({
    status: 200,
    contentType: 'text/html',
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    body: '<!doctype html><title>codec bench</title>',
  }));
  await page.goto('https://bench.test/');
  for (const s of scripts) await page.addScriptTag({ content: s });
  const result = await page.evaluate(({ names, chunks, size }) => {
    const functions = ['encode', 'decode', 'stringify', 'parse'];
    for (const name of names) for (const f of functions) globalThis[name].time(f, 30000); // warm-up
    const rates = {};
    for (let k = 0; k < chunks; k++) {
      for (const name of names) for (const f of functions) (rates[`${name} ${f}`] ??= []).push(globalThis[name].time(f, size));
    }
    const bytes = names.map((name) => Array.from(globalThis[name].bytes).join());
    return { rates, sameBytes: bytes.every((b) => b === bytes[0]), isolated: crossOriginIsolated, chromium: navigator.userAgent };
  }, { names: Object.keys(runtimes), chunks, size });
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const best = (a) => Math.max(...a);
  const f = (x) => Math.round(x).toLocaleString('en');
  console.log(`${result.chromium}; isolated ${result.isolated}; ${chunks} chunks of ${size}` +
    (baseline ? `; same bytes from both runtimes: ${result.sameBytes}` : ''));
  for (const name of Object.keys(runtimes)) {
    const r = (fn) => result.rates[`${name} ${fn}`];
    console.log(`${name.padEnd(8)} encode / JSON.stringify ${(best(r('encode')) / best(r('stringify'))).toFixed(2)} (median chunk ${(median(r('encode')) / median(r('stringify'))).toFixed(2)}), ` +
      `decode / JSON.parse ${(best(r('decode')) / best(r('parse'))).toFixed(2)} (median chunk ${(median(r('decode')) / median(r('parse'))).toFixed(2)}); ` +
      `fastest chunks: encode ${f(best(r('encode')))}/s, stringify ${f(best(r('stringify')))}/s, decode ${f(best(r('decode')))}/s, parse ${f(best(r('parse')))}/s`);
  }
} finally {
  await browser.close();
}
