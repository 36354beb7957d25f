// TypeScript to Java to TypeScript: random values of every wire type made by fast-check in the page,
// sent to the Java server's echo method and compared, byte for byte, with what comes back (both
// encoded by the generated TypeScript codec).
import fc from 'fast-check';
import { Duration, Instant, Topic, Writer } from '@hardlight/client';
import {
  AllTypesCodec,
  LabClient,
  type AllTypes,
  type AllTypes_Shape,
  type AllTypes_Tree,
} from '@generated/dev/hardlight/browser/Lab.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
// java.time.Instant's range.
const INSTANT_MIN = -31557014167219200n;
const INSTANT_MAX = 31556889864403199n;

const byte = fc.integer({ min: -128, max: 127 });
const short = fc.integer({ min: -32768, max: 32767 });
const int = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const long = fc.bigInt({ min: INT64_MIN, max: INT64_MAX });
const char = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const float = fc.float();
const double = fc.double();
/** The string a peer reads back: an unpaired surrogate becomes '?' (protocol.md section 5). */
const asSent = (s: string): string => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '?');
const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('', 'é', '日本語', '😀', '\ud800'));
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const uuid = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => {
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
});
const nano = fc.integer({ min: 0, max: 999_999_999 });

const shape: fc.Arbitrary<AllTypes_Shape> = fc.oneof(
  double.map((radius) => ({ $type: 'Circle' as const, radius })),
  fc.record({ side: int, label: text }).map((s) => ({ $type: 'Square' as const, ...s })),
  fc.constant({ $type: 'Empty' as const }),
);

function trees(depth: number): fc.Arbitrary<AllTypes_Tree> {
  return depth === 0
    ? int.map((value) => ({ value, children: [] }))
    : fc.record({ value: int, children: fc.array(trees(depth - 1), { maxLength: 3 }) });
}
const tree = trees(3);

export const allTypes: fc.Arbitrary<AllTypes> = fc.record({
  scalars: fc.record({ z: fc.boolean(), b: byte, s: short, c: char, i: int, l: long, f: float, d: double }),
  boxes: fc.record({
    z: fc.option(fc.boolean()), b: fc.option(byte), s: fc.option(short), c: fc.option(char),
    i: fc.option(int), l: fc.option(long), f: fc.option(float), d: fc.option(double),
  }),
  texts: fc.record({
    text,
    blob: fc.uint8Array({ maxLength: 64 }),
    chars: fc.array(char, { maxLength: 8 }),
    color: fc.constantFrom('RED' as const, 'GREEN' as const, 'BLUE' as const),
    id: uuid,
    topic: fc.uint8Array({ maxLength: 40 }).map((b) => new Topic(b)),
    when: fc.tuple(fc.bigInt({ min: INSTANT_MIN, max: INSTANT_MAX }), nano).map(([s, n]) => new Instant(s, n)),
    ttl: fc.tuple(long, nano).map(([s, n]) => new Duration(s, n)),
  }),
  collections: fc.record({
    shapes: fc.array(shape, { maxLength: 5 }),
    // distinct as sent: '?' and an unpaired surrogate are both sent as '?' (a repeated element otherwise)
    tags: fc.uniqueArray(text, { maxLength: 5, selector: asSent }).map((a) => new Set(a)),
    scores: fc.uniqueArray(fc.tuple(text, fc.array(int, { maxLength: 4 })), { maxLength: 4, selector: (t) => asSent(t[0]) }).map((e) => new Map(e)),
    maybe: fc.option(text, { nil: undefined }),
    nullable: fc.option(text, { nil: null }),
    words: fc.array(text, { maxLength: 4 }),
    longs: fc.array(long, { maxLength: 6 }),
    doubles: fc.array(double, { maxLength: 6 }),
    flags: fc.array(fc.boolean(), { maxLength: 9 }),
    ints: fc.array(int, { maxLength: 6 }),
  }),
  tree,
});

function encode(v: AllTypes): string {
  const w = new Writer();
  AllTypesCodec.encode(w, v);
  return hex(w.finish());
}

export const propTests = {
  /** Runs the property {@code runs} times; resolves to the run's seed and, on failure, fast-check's report. */
  async typeScriptToJavaToTypeScript({ url, runs, seed }: { url: string; runs: number; seed?: number }) {
    const lab = await LabClient.connect(url);
    const used = seed ?? Math.floor(Math.random() * 2 ** 31);
    try {
      await fc.assert(
        fc.asyncProperty(allTypes, async (v) => {
          const sent = encode(v);
          const back = encode(await lab.echo(v));
          if (back !== sent) {
            throw new Error(`sent ${sent}\nback ${back}`);
          }
        }),
        { numRuns: runs, seed: used },
      );
      return { ok: true, runs, seed: used };
    } catch (e) {
      return { ok: false, runs, seed: used, report: String(e instanceof Error ? e.message : e) };
    } finally {
      await lab.close();
    }
  },
};
