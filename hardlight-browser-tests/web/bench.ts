// The browser benchmark's page side: the same calls made with the generated HardLight client and with
// a minimal JSON-over-WebSocket client, sequentially (latency) and with many in flight (calls/s), the
// browser's ceilings (an echo of one message per call, and of the 64 calls' BATCH as one message), and
// the generated codec against JSON.stringify/JSON.parse on the same nested message.
import { Instant, Reader, Writer } from '@hardlight/client';
import { MeterClient, Meter_OrderCodec, type Meter_Order } from '@generated/dev/hardlight/browser/Meter.js';

export const order: Meter_Order = {
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

/** The same order as a JSON API would carry it: the id a number, the time ISO-8601 text. */
export const orderJson = {
  id: 1234567890123,
  customer: order.customer,
  ship: order.ship,
  lines: order.lines,
  placed: '2025-12-06T00:00:00.123Z',
  express: true,
};

interface Figures {
  calls: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  mean: number;
}

async function measure(call: () => Promise<unknown>, warmup: number, seconds: number, inFlight: number): Promise<Figures> {
  const run = async (ms: number, record: number[] | null) => {
    const end = performance.now() + ms;
    let calls = 0;
    const worker = async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await call();
        calls++;
        record?.push(performance.now() - t);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: inFlight }, worker));
    return { calls, elapsed: (performance.now() - started) / 1000 };
  };
  await run(warmup * 1000, null);
  const latencies: number[] = [];
  const { calls, elapsed } = await run(seconds * 1000, inFlight === 1 ? latencies : null);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! : 0);
  return { calls, seconds: elapsed, rate: calls / elapsed, p50: at(0.5), p99: at(0.99), mean: (elapsed * 1000 * inFlight) / calls };
}

/** A JSON-over-WebSocket RPC client: one text frame per call, answers matched by id. */
class JsonClient {
  readonly #pending = new Map<number, (v: unknown) => void>();
  #next = 1;
  private constructor(readonly ws: WebSocket) {
    ws.onmessage = (m) => {
      const answer = JSON.parse(m.data as string) as { id: number; result: unknown };
      const resolve = this.#pending.get(answer.id);
      this.#pending.delete(answer.id);
      resolve?.(answer.result);
    };
  }

  static connect(url: string): Promise<JsonClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(new JsonClient(ws));
      ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
  }

  call(method: string, args: unknown[]): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, args }));
    });
  }
}

/**
 * The browser's own ceiling: a binary WebSocket to an echo server, each "call" one message of the
 * size of HardLight's CALL answered by its echo (in order, so no id matching, no codec, no JSON).
 */
class RawClient {
  readonly #pending: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.onmessage = () => this.#pending.shift()?.();
  }

  static connect(url: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => resolve(new RawClient(ws));
      ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
  }

  call(message: Uint8Array<ArrayBuffer>): Promise<void> {
    return new Promise((resolve) => {
      this.#pending.push(resolve);
      this.ws.send(message);
    });
  }
}

/**
 * The bytes HardLight's runtime sends for `count` calls started in one JavaScript task: one BATCH
 * (protocol.md 3.8) of CALL frames on ids 0..count-1. `increment`'s argument is a 3-byte varint, as
 * the benchmark's counter is from its 8,192nd to its 1,048,576th call; the content is never parsed
 * (an echo).
 */
function batchOfCalls(workload: 'increment' | 'order', count: number): Uint8Array<ArrayBuffer> {
  const w = new Writer(256);
  w.varint(15 /* BATCH */);
  w.varint(count);
  for (let id = 0; id < count; id++) {
    const call = new Writer(256);
    call.varint(2 /* CALL */);
    call.varint(id);
    if (workload === 'increment') {
      call.varint(0);
      call.int(100000 + id);
    } else {
      call.varint(1);
      Meter_OrderCodec.encode(call, order);
    }
    w.bytes(call.finish());
  }
  return w.finish().slice();
}

/**
 * A batching runtime's ceiling: one message holding `calls` calls sent, its echo counted as `calls`
 * answers and the next message sent at once, for `ms`; no codec, no ids, no promise per call. Returns
 * the calls answered, the seconds taken and each message's round trip (ms).
 */
function batchedEcho(ws: WebSocket, message: Uint8Array<ArrayBuffer>, calls: number, ms: number) {
  return new Promise<{ calls: number; elapsed: number; trips: number[] }>((resolve, reject) => {
    const trips: number[] = [];
    const started = performance.now();
    const end = started + ms;
    let answered = 0;
    let sent = started;
    ws.onclose = () => reject(new Error('the echo server closed the connection'));
    ws.onmessage = () => {
      const now = performance.now();
      trips.push(now - sent);
      answered += calls;
      if (now < end) {
        sent = now;
        ws.send(message);
      } else {
        ws.onmessage = null;
        ws.onclose = null;
        resolve({ calls: answered, elapsed: (now - started) / 1000, trips });
      }
    };
    ws.send(message);
  });
}

type Run = { url: string; workload: 'increment' | 'order'; warmup: number; seconds: number; inFlight: number };

export const benchTests = {
  async benchHardLight({ url, workload, warmup, seconds, inFlight }: Run) {
    const meter = await MeterClient.connect(url);
    try {
      let i = 0;
      const call = workload === 'increment' ? () => meter.increment(i++) : () => meter.order(order);
      return await measure(call, warmup, seconds, inFlight);
    } finally {
      await meter.close();
    }
  },

  async benchJson({ url, workload, warmup, seconds, inFlight }: Run) {
    const json = await JsonClient.connect(url);
    try {
      let i = 0;
      const call = workload === 'increment' ? () => json.call('increment', [i++]) : () => json.call('order', [orderJson]);
      return await measure(call, warmup, seconds, inFlight);
    } finally {
      json.ws.close();
    }
  },

  async benchRaw({ url, workload, warmup, seconds, inFlight }: Run) {
    const raw = await RawClient.connect(url);
    try {
      // CALL id 0, method 0 or 1, then the arguments: the bytes the HardLight client sends
      const w = new Writer(256);
      w.varint(2);
      w.varint(0);
      if (workload === 'increment') {
        w.varint(0);
        w.int(41);
      } else {
        w.varint(1);
        Meter_OrderCodec.encode(w, order);
      }
      const message = w.finish().slice();
      return await measure(() => raw.call(message), warmup, seconds, inFlight);
    } finally {
      raw.ws.close();
    }
  },

  /**
   * The batched raw echo: `inFlight` calls' bytes as one BATCH message per round trip, in lockstep
   * as HardLight's runtime runs at that many in flight. `rate` and `mean` count calls; `p50` and `p99`
   * are of one message's round trip (ms); `bytes` is the message's size, `callsPerMessage` its calls.
   */
  async benchRawBatch({ url, workload, warmup, seconds, inFlight }: Run) {
    const raw = await RawClient.connect(url);
    try {
      const message = batchOfCalls(workload, inFlight);
      await batchedEcho(raw.ws, message, inFlight, warmup * 1000);
      const { calls, elapsed, trips } = await batchedEcho(raw.ws, message, inFlight, seconds * 1000);
      trips.sort((a, b) => a - b);
      const at = (q: number) => trips[Math.min(trips.length - 1, Math.floor(q * trips.length))]!;
      return { calls, seconds: elapsed, rate: calls / elapsed, p50: at(0.5), p99: at(0.99), mean: (elapsed * 1000 * inFlight) / calls,
        bytes: message.length, callsPerMessage: inFlight };
    } finally {
      raw.ws.close();
    }
  },

  /**
   * Encodes and decodes the order `iterations` times each way: HardLight's generated codec and JSON.
   * The five take turns in chunks of up to 5,000, so a burst of load from other processes on a shared
   * machine hits them alike; each figure is the median of its chunks' rates, in operations per second.
   */
  async benchCodec({ iterations }: { iterations: number }) {
    const encodeOnce = () => {
      const writer = new Writer(256);
      Meter_OrderCodec.encode(writer, order);
      return writer.finish();
    };
    const bytes = encodeOnce();
    const text = JSON.stringify(orderJson);
    let sink = 0;
    const runs = {
      hardlightEncode: () => {
        sink += encodeOnce().length;
      },
      hardlightDecode: () => {
        sink += Meter_OrderCodec.decode(new Reader(bytes)).lines.length;
      },
      jsonEncode: () => {
        sink += JSON.stringify(orderJson).length;
      },
      jsonDecode: () => {
        sink += (JSON.parse(text) as typeof orderJson).lines.length;
      },
      // JSON text must still become bytes for a WebSocket (and back): the fair comparison for the wire.
      jsonEncodeToBytes: () => {
        sink += new TextEncoder().encode(JSON.stringify(orderJson)).length;
      },
    };
    for (const f of Object.values(runs)) for (let i = 0; i < Math.min(iterations, 20000); i++) f(); // warm-up
    const chunk = Math.max(1, Math.min(5000, iterations));
    const rates = new Map(Object.keys(runs).map((name) => [name, [] as number[]]));
    for (let done = 0; done < iterations; done += chunk) {
      for (const [name, f] of Object.entries(runs)) {
        const t = performance.now();
        for (let i = 0; i < chunk; i++) f();
        const ms = performance.now() - t;
        // browsers coarsen the clock (100 us without cross-origin isolation): a chunk never counts as 0 ms
        rates.get(name)!.push(chunk / (Math.max(ms, 0.1) / 1000));
      }
    }
    const median = (name: string) => {
      const a = [...rates.get(name)!].sort((x, y) => x - y);
      return a[a.length >> 1]!;
    };
    const result = {
      hardlightBytes: bytes.length,
      jsonBytes: new TextEncoder().encode(text).length,
      hardlightEncode: median('hardlightEncode'),
      hardlightDecode: median('hardlightDecode'),
      jsonEncode: median('jsonEncode'),
      jsonDecode: median('jsonDecode'),
      jsonEncodeToBytes: median('jsonEncodeToBytes'),
    };
    return { ...result, sink };
  },
};
