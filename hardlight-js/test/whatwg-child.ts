// Run by whatwg.test.ts in a child `node --experimental-websocket`: the client with the runtime's
// global, standard (WHATWG) WebSocket, as in a browser. Prints one JSON line per outcome.

import { Client, RpcError } from './runtime.js';
import { Counter, increment } from './counter.js';

const url = process.argv[2]!;
const out = (o: unknown): void => console.log(JSON.stringify(o));
try {
  const client = await Client.connect(url, Counter, { connectTimeout: 5000 });
  out({ state: client.state });
  out({ result: await client.call(increment, [1]) });
  try {
    await client.call(increment, [2]);
  } catch (e) {
    out({ error: (e as RpcError).status, message: (e as Error).message });
  }
  await client.close();
} catch (e) {
  out({ connectError: (e as RpcError).status, message: (e as Error).message });
}
