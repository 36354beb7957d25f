// Type-level tests of the module of every wire type: the mapping of docs/typescript.md, as a user sees it.
import * as hl from '@hardlight/client';
import {
  Busy,
  type Collections,
  Denied,
  type Every_Happening,
  EveryClient,
  EveryService,
  type Keywords,
  type Level,
  type Polygon,
  type Scalars,
  type Shape,
  type Versioned,
  VersionedCodec,
} from '../gen/every/Every.js';

export function scalars(): Scalars {
  return {
    text: 'héllo',
    bytes: new Uint8Array([1, 2, 3]),
    at: hl.Instant.fromDate(new Date()),
    took: hl.Duration.ofMillis(1500),
    id: '123e4567-e89b-12d3-a456-426614174000',
    topic: hl.Topic.of('room-1'),
    prims: { z: true, b: -1, s: 300, c: 'x', i: 7, l: 1n << 62n, f: 0.5, d: Math.PI },
    boxes: { z: false, b: 0, s: 0, c: '\u0000', i: 0, l: 0n, f: 0, d: 0, maybe: null },
    nick: null,
    maybeLevel: 'HIGH',
  };
}

export function collections(): Collections {
  return {
    list: ['a'],
    set: new Set([1, 2]),
    map: new Map<string, Level>([['a', 'LOW']]),
    nested: new Map([[1n, [{ $type: 'Circle', radius: 1 }, { $type: 'Color', value: 'RED' }]]]),
    opt: undefined,
    optTree: { value: 1, children: [], parent: null },
    strings: [],
    levels: ['MID'],
    ints: [1],
    longs: [1n],
    bools: [true],
    shorts: [1],
    chars: ['c'],
    floats: [1.5],
    doubles: [2.5],
    grid: [[1, 2], [3]],
    blobs: [new Uint8Array(0)],
    maybes: ['x', undefined],
    levelSet: new Set<Level>(['LOW']),
    nullableList: null,
    both: undefined,
  };
}

export function describe(s: Shape): string {
  switch (s.$type) {
    case 'Circle':
      return `circle ${s.radius}`;
    case 'Square':
      return `square ${s.side}`;
    case 'Group':
      return s.members.map(describe).join(', ');
    case 'Color':
      return s.value === 'RED' ? 'red' : 'green';
    case 'Polygon':
      return describePolygon(s.value);
    case 'Unknown':
      return `a newer peer's shape (${s.note})`;
  }
}

function describePolygon(p: Polygon): string {
  switch (p.$type) {
    case 'every.Polygon.Triangle':
      return `triangle ${p.a + p.b + p.c}`;
    case 'every.Polygon.Other.Triangle':
      return `triangle ${p.base * p.height}`;
  }
}

export async function useEvery(url: string): Promise<string> {
  const every = await EveryClient.connect(url);
  const level: Level | null = await every.maybe(null, undefined, [1n, 2n]);
  const initial: string = await every.initial('ann');
  try {
    await every.reset('123e4567-e89b-12d3-a456-426614174000', hl.Duration.ZERO, { deadline: 500 });
  } catch (e) {
    if (e instanceof Denied || e instanceof Busy) {
      return e.name;
    }
  }
  const blob: Uint8Array = await every.blob(new Uint8Array(1), hl.Topic.of('t'));
  const keywords: Keywords = await every.then_({ in: 1, delete: 'x', r: 2n, typeof: true, constructor: 3 }, 4);
  await every.close_(1000);
  const v: Versioned = await every.versioned(VersionedCodec.decode(new hl.Reader(new Uint8Array([0]))), {
    $type: 'Link',
    next: { $type: 'End' },
  });
  const session = every.state;
  const since: hl.Instant | undefined = session.since;
  for await (const e of every.events()) {
    const happening: Every_Happening = e.value;
    if (happening.$type === 'Tick' && happening.value === 'MINUTE') {
      break;
    }
  }
  await every.close();
  return `${level} ${initial} ${blob.length} ${keywords.in} ${v.retries} ${since?.epochSecond} ${EveryService.name}`;
}

export async function mistakes(every: EveryClient): Promise<void> {
  // @ts-expect-error Optional<Instant> is `Instant | undefined`, not nullable
  await every.maybe(null, null, []);
  // @ts-expect-error long... is bigint[]
  await every.maybe(null, undefined, [1]);
  // @ts-expect-error a Polygon case is wrapped in `value`
  await every.shape({ $type: 'Polygon', a: 1, b: 1, c: 1 });
  // @ts-expect-error the sealed interface's case names clash, so they are canonical names
  await every.shape({ $type: 'Polygon', value: { $type: 'Triangle', a: 1, b: 1, c: 1 } });
}
