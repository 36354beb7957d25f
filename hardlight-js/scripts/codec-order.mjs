// The codec benchmark's message, shared by codec-bench.mjs (Node) and codec-bench-chromium.mjs: the
// browser benchmark's nested order (hardlight-browser-tests' Meter.Order) with codecs shaped as the
// generator writes them, and the same data for JSON.stringify/JSON.parse. `hl` is the runtime module.
export function orderBench(hl) {
  const { Instant, Reader, Writer, codecs } = hl;
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
  const encodeOnce = () => {
    const w = new Writer(256);
    OrderCodec.encode(w, order);
    return w.finish();
  };
  const bytes = encodeOnce().slice();
  const text = JSON.stringify(orderJson);
  let sink = 0;
  const runs = {
    encode: () => (sink += encodeOnce().length),
    decode: () => (sink += OrderCodec.decode(new Reader(bytes)).lines.length),
    stringify: () => (sink += JSON.stringify(orderJson).length),
    parse: () => (sink += JSON.parse(text).lines.length),
  };
  /** Runs `name` n times; operations per second. */
  const time = (name, n) => {
    const f = runs[name];
    const t = performance.now();
    for (let i = 0; i < n; i++) f();
    return n / ((performance.now() - t) / 1000);
  };
  return { bytes, jsonLength: text.length, time, sink: () => sink };
}
