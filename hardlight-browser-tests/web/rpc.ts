// Tests of the HardLight TypeScript runtime and of the client generated from the Java contract
// (dev.hardlight.browser.Lab), run in Chromium against the real Java server. Each function is called
// by the JUnit side with a JSON argument and resolves to a JSON-able result the JUnit side asserts.
import { ApplicationError, RpcError, Status, type ConnectOptions, type ConnectionEvent } from '@hardlight/client';
import { LabClient, LabException } from '@generated/dev/hardlight/browser/Lab.js';

type Url = { url: string };

/** What a test reports of an error. */
export interface ErrorInfo {
  name: string;
  status: number;
  statusName: string;
  message: string;
  isRpcError: boolean;
  isApplicationError: boolean;
  isLabException: boolean;
}

export function errorInfo(e: unknown): ErrorInfo {
  const err = e as Error & { status?: number };
  const status = typeof err?.status === 'number' ? err.status : -1;
  return {
    name: err?.name ?? typeof e,
    status,
    statusName: Status[status] ?? String(status),
    message: err?.message ?? String(e),
    isRpcError: e instanceof RpcError,
    isApplicationError: e instanceof ApplicationError,
    isLabException: e instanceof LabException,
  };
}

async function failure(p: Promise<unknown>): Promise<ErrorInfo | { resolved: unknown }> {
  try {
    return { resolved: String(await p) };
  } catch (e) {
    return errorInfo(e);
  }
}

/** Clients kept across calls of the JUnit side (the round trips, the reconnect test), by name. */
const kept = new Map<string, { client: LabClient; events: string[] }>();

function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x)));
}

export const rpcTests = {
  async calls({ url }: Url) {
    const lab = await LabClient.connect(url);
    try {
      return { sum: await lab.add(2, 40), greeting: await lab.greet('Chromium'), negative: await lab.add(-5, 2) };
    } finally {
      await lab.close();
    }
  },

  /** n calls at once: every one answered, the short ones before the long ones issued earlier. */
  async inFlight({ url, n, millis }: Url & { n: number; millis: number }) {
    const lab = await LabClient.connect(url);
    try {
      const order: number[] = [];
      const started = performance.now();
      const calls = [];
      for (let i = 0; i < n; i++) {
        // Even tokens wait twice as long: answers arrive out of order.
        calls.push(lab.hold(i, i % 2 === 0 ? 2 * millis : millis).then((t) => {
          order.push(t);
          return t;
        }));
      }
      const results = await Promise.all(calls);
      return { results, order, elapsed: performance.now() - started };
    } finally {
      await lab.close();
    }
  },

  async state({ url }: Url) {
    const lab = await LabClient.connect(url);
    try {
      const changes: unknown[] = [];
      const unsubscribe = lab.client.onState((s) => changes.push(plain(s)));
      const initial = plain(lab.state);
      const user = await lab.login('ada');
      const afterLogin = plain(lab.state); // current as soon as the call resolved
      const counter = await lab.bump(5);
      const afterBump = plain(lab.state);
      unsubscribe();
      await lab.bump(1);
      return { initial, user, afterLogin, counter, afterBump, changes };
    } finally {
      await lab.close();
    }
  },

  /** Two clients in one room: each sees the other's join and message as typed events. */
  async events({ url, room }: Url & { room: string }) {
    const a = await LabClient.connect(url);
    const b = await LabClient.connect(url);
    try {
      const it = a.events(); // the queue starts with the first iterator
      await a.login('alice');
      await b.login('bob');
      await a.join(room);
      await b.join(room);
      await b.say(room, 'hi alice');
      const seen: unknown[] = [];
      while (seen.length < 3) {
        const next = await it.next();
        if (next.done) {
          break;
        }
        seen.push({ value: plain(next.value.value), topic: next.value.topic.toString(), missedBefore: next.value.missedBefore });
      }
      const heard: unknown[] = [];
      const off = b.client.onEvent((e) => heard.push(plain(e.value)));
      await a.say(room, 'hi bob');
      const deadline = Date.now() + 5000;
      while (heard.length < 1 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      off();
      return { seen, heard };
    } finally {
      await a.close();
      await b.close();
    }
  },

  async typedError({ url }: Url) {
    const lab = await LabClient.connect(url);
    try {
      return await failure(lab.fail('the reactor is on fire'));
    } finally {
      await lab.close();
    }
  },

  async deadlineAndCancel({ url }: Url) {
    const lab = await LabClient.connect(url);
    try {
      const before = await lab.interrupted();
      const deadline = await failure(lab.hold(1, 20000, { deadline: 300 }));
      const controller = new AbortController();
      const cancelled = failure(lab.hold(2, 20000, { signal: controller.signal }));
      setTimeout(() => controller.abort(), 300);
      const cancel = await cancelled;
      const aborted = new AbortController();
      aborted.abort();
      const alreadyAborted = await failure(lab.hold(3, 20000, { signal: aborted.signal }));
      // The server interrupts the handlers of both calls: wait (bounded) until it has counted them.
      let interrupted = await lab.interrupted();
      const until = Date.now() + 10000;
      while (interrupted - before < 2 && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
        interrupted = await lab.interrupted();
      }
      const after = await lab.add(1, 1); // the connection is still fine
      return { deadline, cancel, alreadyAborted, interruptedOnServer: interrupted - before, after };
    } finally {
      await lab.close();
    }
  },

  async gating({ url }: Url) {
    const lab = await LabClient.connect(url);
    try {
      const featuresBefore = [...lab.client.features];
      const before = await failure(lab.secret());
      await lab.login('grace');
      const featuresAfter = [...lab.client.features];
      const after = await lab.secret();
      return { featuresBefore, before, featuresAfter, after };
    } finally {
      await lab.close();
    }
  },

  /** Connects with reconnection on and keeps the client under {@code name}; returns the server's pid. */
  async keep({ url, name }: Url & { name: string }) {
    const events: string[] = [];
    const options: ConnectOptions = {
      reconnect: { initialDelay: 100, maxDelay: 1000, callWait: 30000 },
      onConnectionEvent: (e: ConnectionEvent) => events.push(e.type + ('reconnected' in e ? `:${e.reconnected}` : '')),
    };
    const client = await LabClient.connect(url, options);
    kept.set(name, { client, events });
    await client.bump(1);
    return { pid: String(await client.pid()), counter: client.state.counter };
  },

  /** An idempotent call on a kept client (waiting for it to reconnect), and its lifecycle so far. */
  async callKept({ name }: { name: string }) {
    const k = kept.get(name);
    if (!k) {
      throw new Error(`no kept client ${name}`);
    }
    const pid = String(await k.client.pid());
    const counter = await k.client.bump(1);
    return { pid, counter, events: [...k.events] };
  },

  async closeKept({ name }: { name: string }) {
    const k = kept.get(name);
    kept.delete(name);
    await k?.client.close();
    return k ? [...k.events] : [];
  },

  /** Connecting fails: how (status, message) and how long it took. */
  async connectError({ url, connectTimeout }: Url & { connectTimeout?: number }) {
    const started = performance.now();
    const result = await failure(LabClient.connect(url, { connectTimeout: connectTimeout ?? 5000 }).then(async (c) => {
      await c.close();
      return 'connected';
    }));
    return { ...result, elapsed: performance.now() - started };
  },

  /**
   * Java to TypeScript to Java: n times, takes the next value the Java test queued (decoded by the
   * generated codec) and submits it back (encoded by it); the Java test compares the bytes.
   */
  async roundTrip({ url, n }: Url & { n: number }) {
    let k = kept.get(url);
    if (!k) {
      k = { client: await LabClient.connect(url), events: [] };
      kept.set(url, k);
    }
    for (let i = 0; i < n; i++) {
      await k.client.submit(await k.client.next());
    }
    return n;
  },
};
