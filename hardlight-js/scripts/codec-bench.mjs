// The codec microbenchmark in Node: the benchmark's nested order (hardlight-browser-tests' Meter.Order)
// encoded and decoded with codecs shaped as the generator writes them, against JSON.stringify/parse.
// `node scripts/codec-bench.mjs [iterations]` after `npm run build`; `node --cpu-prof ...` to profile.
import * as hl from '../dist/index.js';
import { orderBench } from './codec-order.mjs';

const n = Number(process.argv[2] ?? 100000);
const rounds = Number(process.argv[3] ?? 7);
const bench = orderBench(hl);
const names = ['encode', 'decode', 'stringify', 'parse'];
const time = (name) => bench.time(name, n);
for (const name of names) time(name); // warm-up
// the four take turns in each round, so a burst of load from other processes hits them alike; medians of the ratios
const enc = [];
const dec = [];
const rates = { encode: [], decode: [], stringify: [], parse: [] };
for (let k = 0; k < rounds; k++) {
  const r = {};
  for (const name of names) rates[name].push((r[name] = time(name)));
  enc.push(r.encode / r.stringify);
  dec.push(r.decode / r.parse);
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const f = (x) => Math.round(x).toLocaleString('en');
console.log(`bytes ${bench.bytes.length} (JSON ${bench.jsonLength}); medians of ${rounds} rounds: encode ${f(median(rates.encode))}/s, ` +
  `stringify ${f(median(rates.stringify))}/s, ratio ${median(enc).toFixed(2)}x; decode ${f(median(rates.decode))}/s, ` +
  `parse ${f(median(rates.parse))}/s, ratio ${median(dec).toFixed(2)}x${bench.sink() > 0 ? '' : '!'}`);
