// The codec microbenchmark in Node: the benchmark's nested order (hardlight-browser-tests' Meter.Order)
// encoded and decoded with codecs shaped as the generator writes them, against JSON.stringify/parse.
// `node scripts/codec-bench.mjs [iterations]` after `npm run build`; `node --cpu-prof ...` to profile.
import { Instant, Reader, Writer, codecs } from '../dist/index.js';

const LineCodec = {
  encode(w, v) {
    const m = w.beginLength();
    w.string(v.sku);
    w.int(v.quantity);
    w.double(v.price);
    w.endLength(m);
  },
  decode(r) {
    r.enter();
    const s = r.pushLimit();
    const sku = r.more() ? r.string() : '';
    const quantity = r.more() ? r.int() : 0;
    const price = r.more() ? r.double() : 0;
    r.popLimit(s);
    r.exit();
    return { sku, quantity, price };
  },
};
const AddressCodec = {
  encode(w, v) {
    const m = w.beginLength();
    w.string(v.street);
    w.string(v.city);
    w.string(v.zip);
    w.string(v.country);
    w.endLength(m);
  },
  decode(r) {
    r.enter();
    const s = r.pushLimit();
    const street = r.more() ? r.string() : '';
    const city = r.more() ? r.string() : '';
    const zip = r.more() ? r.string() : '';
    const country = r.more() ? r.string() : '';
    r.popLimit(s);
    r.exit();
    return { street, city, zip, country };
  },
};
const $listOfLine = codecs.list(LineCodec);
const OrderCodec = {
  encode(w, v) {
    const m = w.beginLength();
    w.long(v.id);
    w.string(v.customer);
    AddressCodec.encode(w, v.ship);
    $listOfLine.encode(w, v.lines);
    w.instant(v.placed);
    w.bool(v.express);
    w.endLength(m);
  },
  decode(r) {
    r.enter();
    const s = r.pushLimit();
    const id = r.more() ? r.long() : 0n;
    const customer = r.more() ? r.string() : '';
    const ship = r.more() ? AddressCodec.decode(r) : { street: '', city: '', zip: '', country: '' };
    const lines = r.more() ? $listOfLine.decode(r) : [];
    const placed = r.more() ? r.instant() : Instant.EPOCH;
    const express = r.more() ? r.bool() : false;
    r.popLimit(s);
    r.exit();
    return { id, customer, ship, lines, placed, express };
  },
};

const order = {
  id: 1234567890123n,
  customer: 'Ada Lovelace',
  ship: { street: '12 Analytical Engine Way', city: 'London', zip: 'NW1 2DB', country: 'GB' },
  lines: [
    { sku: 'SKU-000123', quantity: 2, price: 19.99 },
    { sku: 'SKU-004567', quantity: 1, price: 249.5 },
    { sku: 'SKU-089012', quantity: 12, price: 0.35 },
  ],
  placed: new Instant(1764979200n, 123000000),
  express: true,
};
const orderJson = { ...order, id: 1234567890123, placed: '2025-12-06T00:00:00.123Z' };

const n = Number(process.argv[2] ?? 100000);
const rounds = Number(process.argv[3] ?? 7);
let sink = 0;
const time = (f) => {
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  return n / ((performance.now() - t) / 1000);
};
const encodeOnce = () => {
  const w = new Writer(256);
  OrderCodec.encode(w, order);
  return w.finish();
};
const bytes = encodeOnce();
const text = JSON.stringify(orderJson);
const runs = {
  encode: () => (sink += encodeOnce().length),
  decode: () => (sink += OrderCodec.decode(new Reader(bytes)).lines.length),
  stringify: () => (sink += JSON.stringify(orderJson).length),
  parse: () => (sink += JSON.parse(text).lines.length),
};
for (const f of Object.values(runs)) time(f); // warm-up
// the four take turns in each round, so a burst of load from other processes hits them alike; medians of the ratios
const enc = [];
const dec = [];
const rates = { encode: [], decode: [], stringify: [], parse: [] };
for (let k = 0; k < rounds; k++) {
  const r = {};
  for (const [name, f] of Object.entries(runs)) rates[name].push((r[name] = time(f)));
  enc.push(r.encode / r.stringify);
  dec.push(r.decode / r.parse);
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const f = (x) => Math.round(x).toLocaleString('en');
console.log(`bytes ${bytes.length} (JSON ${text.length}); medians of ${rounds} rounds: encode ${f(median(rates.encode))}/s, ` +
  `stringify ${f(median(rates.stringify))}/s, ratio ${median(enc).toFixed(2)}x; decode ${f(median(rates.decode))}/s, ` +
  `parse ${f(median(rates.parse))}/s, ratio ${median(dec).toFixed(2)}x${sink > 0 ? '' : '!'}`);
