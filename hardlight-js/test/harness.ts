// Shared test plumbing: a client connected to a scripted server, with cleanup.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, RpcError, Status } from './runtime.js';
import type { ConnectOptions, ConnectionEvent, ServiceSpec } from './runtime.js';
import { Counter } from './counter.js';
import type { Ev, State } from './counter.js';
import { FakeServer, Peer, hello, options } from './fake-server.js';
import type { HelloSpec } from './fake-server.js';

export interface Connected<S = State, E = Ev> {
  server: FakeServer;
  peer: Peer;
  client: Client<S, E>;
  events: ConnectionEvent[];
}

/** Starts a server, connects a client, answers with a HELLO. */
export async function connected<S = State, E = Ev>(h: HelloSpec = {}, extra: ConnectOptions = {}, spec: ServiceSpec<any, any> = Counter): Promise<Connected<S, E>> {
  const server = await FakeServer.start();
  const events: ConnectionEvent[] = [];
  const p = Client.connect<S, E>(server.url, spec, options({ onConnectionEvent: (e) => events.push(e), ...extra }));
  const peer = await server.next();
  peer.send(hello(h));
  const client = await p;
  return { server, peer, client, events };
}

/** A test with a timeout that closes what it made. */
export function t(name: string, fn: (cleanup: (f: () => Promise<void> | void) => void) => Promise<void>, timeout = 15000): void {
  test(name, { timeout }, async () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    try {
      await fn((f) => cleanups.push(f));
    } finally {
      for (const c of cleanups.reverse()) await c();
    }
  });
}

/** Asserts that `p` rejects with an RpcError of `status` whose message matches `message`. */
export async function rejects(p: Promise<unknown>, status: Status, message: RegExp | string): Promise<RpcError> {
  let error: unknown;
  await assert.rejects(p, (e: unknown) => {
    error = e;
    return true;
  });
  assert.ok(error instanceof RpcError, `expected an RpcError, got ${String(error)}`);
  assert.equal(Status[error.status], Status[status], error.message);
  if (typeof message === 'string') assert.ok(error.message.includes(message), `message '${error.message}' should contain '${message}'`);
  else assert.match(error.message, message);
  return error;
}

/** Waits until `cond` holds (checked on each turn of the event loop), at most `ms`. */
export async function until(cond: () => boolean, ms = 5000, what = 'the condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} did not hold within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** The promise, with its rejection handled now (checked later with rejects()). */
export function settled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}
