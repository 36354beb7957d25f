// A hand-written service description, as the TypeScript generator produces it (ts-api.md): the
// contract below with a connection state, events, a declared exception and a feature gate.

import { ApplicationError, Reader, Writer, codecs, sha256 } from './runtime.js';
import type { Codec, MethodSpec, ServiceSpec } from './runtime.js';

export interface State {
  readonly count: number;
  readonly user: string | null;
}
export type Ev = { $type: 'Inc'; by: number } | { $type: 'Dec'; by: number };

export class UnderflowException extends ApplicationError {}

export const SCHEMA =
  'service Counter\n' +
  'state counter.State\n' +
  'events counter.Ev\n' +
  'method increment(amount:int):int\n' +
  'method get():int\n' +
  'method fail():void throws counter.UnderflowException\n' +
  'method admin():string requires admin\n' +
  'method echo(item:counter.Item):counter.Item\n' +
  'sealed counter.Ev{counter.Ev.Inc,counter.Ev.Dec}\n' +
  'record counter.Ev.Dec(by:int)\n' +
  'record counter.Ev.Inc(by:int)\n' +
  'record counter.Item(name:string,count:int)\n' +
  'record counter.State(count:int,user:string?)\n';

export interface Item {
  readonly name: string;
  readonly count: number;
}

export const itemCodec: Codec<Item> = {
  encode(w: Writer, v: Item) {
    const m = w.beginLength();
    codecs.string.encode(w, v.name);
    codecs.int.encode(w, v.count);
    w.endLength(m);
  },
  decode(r: Reader): Item {
    r.enter();
    const s = r.pushLimit();
    const name = r.more() ? codecs.string.decode(r) : '';
    const count = r.more() ? codecs.int.decode(r) : 0;
    r.popLimit(s);
    r.exit();
    return { name, count };
  },
};

const userCodec = codecs.nullable(codecs.string);

export const stateCodec: Codec<State> = {
  encode(w, v) {
    const m = w.beginLength();
    codecs.int.encode(w, v.count);
    userCodec.encode(w, v.user);
    w.endLength(m);
  },
  decode(r) {
    r.enter();
    const s = r.pushLimit();
    const count = r.more() ? codecs.int.decode(r) : 0;
    const user = r.more() ? userCodec.decode(r) : null;
    r.popLimit(s);
    r.exit();
    return { count, user };
  },
};

export const evCodec: Codec<Ev> = {
  encode(w, v) {
    w.varint(v.$type === 'Inc' ? 0 : 1);
    const m = w.beginLength();
    codecs.int.encode(w, v.by);
    w.endLength(m);
  },
  decode(r) {
    r.enter();
    const t = r.tag(2, 'counter.Ev');
    const s = r.pushLimit();
    if (t >= 2) {
      r.popLimit(s);
      throw r.malformed(`unknown tag ${t} of sealed counter.Ev (a newer peer's subtype: mark a permitted record @Fallback to accept it)`);
    }
    const by = r.more() ? codecs.int.decode(r) : 0;
    r.popLimit(s);
    r.exit();
    return t === 0 ? { $type: 'Inc', by } : { $type: 'Dec', by };
  },
};

export const increment: MethodSpec<[number], number> = {
  id: 0,
  name: 'increment',
  hash: 0x1111111111111111n,
  idempotent: false,
  encodeArgs: (w, [amount]) => codecs.int.encode(w, amount),
  result: codecs.int,
  errors: [],
};
export const get: MethodSpec<[], number> = {
  id: 1,
  name: 'get',
  hash: 0x2222222222222222n,
  idempotent: true,
  encodeArgs: () => {},
  result: codecs.int,
  errors: [],
};
export const fail: MethodSpec<[], void> = {
  id: 2,
  name: 'fail',
  hash: 0x3333333333333333n,
  idempotent: false,
  encodeArgs: () => {},
  result: null,
  errors: [{ name: 'counter.UnderflowException', create: (m) => new UnderflowException(m) }],
};
export const admin: MethodSpec<[], string> = {
  id: 3,
  name: 'admin',
  hash: 0x4444444444444444n,
  idempotent: false,
  requires: 'admin',
  encodeArgs: () => {},
  result: codecs.string,
  errors: [],
};
export const echo: MethodSpec<[Item], Item> = {
  id: 4,
  name: 'echo',
  hash: 0x5555555555555555n,
  idempotent: false,
  encodeArgs: (w, [item]) => itemCodec.encode(w, item),
  result: itemCodec,
  errors: [],
};

export const STATE_HASH = 0x5eed000000000001n;
export const EVENT_HASH = 0xe7e7000000000001n;

export const Counter: ServiceSpec<State, Ev> = {
  name: 'Counter',
  fingerprint: sha256(new TextEncoder().encode(SCHEMA)),
  schema: SCHEMA,
  methods: [increment, get, fail, admin, echo],
  state: {
    hash: STATE_HASH,
    codec: stateCodec,
    fields: [codecs.int as Codec<unknown>, userCodec as Codec<unknown>],
    initial: { count: 0, user: null },
    apply: (s, changes) => ({
      count: changes.has(0) ? (changes.get(0) as number) : s.count,
      user: changes.has(1) ? (changes.get(1) as string | null) : s.user,
    }),
  },
  events: { hash: EVENT_HASH, codec: evCodec },
};

/** The same contract without state and events (a client that ignores them). */
export const Plain: ServiceSpec = {
  name: 'Counter',
  fingerprint: Counter.fingerprint,
  schema: SCHEMA,
  methods: Counter.methods,
};
