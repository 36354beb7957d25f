// The canonical schema text (protocol.md section 6.1) and the compatibility rule of schema evolution:
// two contracts are compatible when every type they share by name agrees on its common prefix of
// components, constants and subtypes (appending is fine; renaming, retyping and reordering are not).

/** A type expression: a built-in or named type (`k` = its name, no `a`), or `list`/`set`/`map`/`?` with arguments. */
export interface TypeExpr {
  readonly k: string;
  readonly a?: readonly TypeExpr[];
}

export interface Field {
  readonly name: string;
  readonly type: TypeExpr;
}

export interface MethodDef {
  readonly name: string;
  readonly params: readonly Field[];
  readonly result: TypeExpr;
  readonly throws: readonly string[];
}

export type TypeDef =
  | { readonly kind: 'record'; readonly components: readonly Field[] }
  | { readonly kind: 'enum' | 'sealed'; readonly items: readonly string[] };

export interface Schema {
  readonly service: string;
  readonly state?: string;
  readonly events?: string;
  readonly methods: ReadonlyMap<string, MethodDef>;
  readonly types: ReadonlyMap<string, TypeDef>;
}

/**
 * Parses `s`, a comma-separated list of type expressions each after a `name:` (a method's parameters,
 * a record's components), or with `one` a single one (a method's result, parsed as ':type'). One pass: a
 * server's schema text is hostile input, and rescanning it per level of nesting could take minutes.
 * Throws naming `s` when it is not understood.
 */
function fields(s: string, one?: boolean): Field[] {
  let i = 0;
  const fail = (): never => {
    throw new Error(`schema type '${s}' is not understood`);
  };
  /** The name (of a type or a field) at i, possibly empty. */
  const word = (): string => {
    const w = /[^\s<>,?():{}]*/y;
    w.lastIndex = i;
    const k = w.exec(s)![0];
    i += k.length;
    return k;
  };
  const type = (): TypeExpr => {
    const k = word();
    if (!k) fail();
    let t: TypeExpr = { k };
    if (s[i] === '<') {
      if (!/^(list|set|map)$/.test(k)) fail();
      const a: TypeExpr[] = [];
      do {
        i++;
        a.push(type());
      } while (s[i] === ',');
      if (s[i++] !== '>') fail();
      t = { k, a };
    }
    while (s[i] === '?') {
      i++;
      t = { k: '?', a: [t] };
    }
    return t;
  };
  const out: Field[] = [];
  if (s) {
    do {
      const name = word();
      if (s[i++] !== ':') fail();
      out.push({ name, type: type() });
    } while (s[i++] === ',' && !one);
    if (i <= s.length) fail();
  }
  return out;
}

/** Parses a schema text; throws Error naming the line that is not understood. */
export function parseSchema(text: string): Schema {
  const head: Record<string, string> = {};
  const methods = new Map<string, MethodDef>();
  const types = new Map<string, TypeDef>();
  const list = (s?: string): string[] => (s ? s.split(',') : []);
  for (const line of text.split('\n')) {
    let m: RegExpExecArray | null;
    if (!line) continue;
    if ((m = /^(service|state|events) (\S+)$/.exec(line))) head[m[1]!] = m[2]!;
    else if ((m = /^method ([^(]+)\((.*)\):(\S+)(?: throws (\S+))?(?: requires \S+)?$/.exec(line))) {
      methods.set(m[1]!, { name: m[1]!, params: fields(m[2]!), result: fields(':' + m[3]!, true)[0]!.type, throws: list(m[4]) });
    } else if ((m = /^record (\S+?)\((.*)\)$/.exec(line))) types.set(m[1]!, { kind: 'record', components: fields(m[2]!) });
    else if ((m = /^(enum|sealed) (\S+?)\{(.*)\}$/.exec(line))) types.set(m[2]!, { kind: m[1] as 'enum' | 'sealed', items: list(m[3]) });
    else throw new Error(`schema line '${line}' is not understood`);
  }
  const { service = '', state, events } = head;
  return { service, ...(state && { state }), ...(events && { events }), methods, types };
}

export function typeText(t: TypeExpr): string {
  if (!t.a) return t.k;
  if (t.k === '?') return typeText(t.a[0]!) + '?';
  return `${t.k}<${t.a.map(typeText).join(',')}>`;
}

const fieldText = (f: Field): string => `'${f.name}:${typeText(f.type)}'`;
const article = (kind: string): string => (kind === 'enum' ? 'an ' : 'a ') + kind;

/** What to do about a difference the rule cannot explain in detail (no schema text to compare). */
export const REGENERATE = "regenerate the client from the server's contract";

/** The first difference `f` finds over the common prefix of `a` and `b` (`f` gets the 1-based index), or null. */
function first<T>(a: readonly T[], b: readonly T[], f: (x: T, y: T, i: number) => string | null): string | null {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const d = f(a[i]!, b[i]!, i + 1);
    if (d !== null) return d;
  }
  return null;
}

/**
 * Compares the types of two schemas, "here" (this client's) and "there" (the server's). Each method
 * returns null when compatible, else a sentence saying the first difference.
 */
export class Compatibility {
  // per named type: null when compatible (or being compared: recursion through a type assumes it is)
  readonly #memo = new Map<string, string | null>();

  readonly here: Schema;
  readonly there: Schema;

  constructor(here: Schema, there: Schema) {
    this.here = here;
    this.there = there;
  }

  /** null: compatible; '': differs at this level (the caller names it); else the nested difference. */
  #type(a: TypeExpr, b: TypeExpr): string | null {
    if (a.k !== b.k || (a.a?.length ?? 0) !== (b.a?.length ?? 0)) return '';
    if (a.a) return first(a.a, b.a!, (x, y) => this.#type(x, y));
    return this.here.types.has(a.k) || this.there.types.has(a.k) ? this.named(a.k) : null;
  }

  /** Two fields (`what`: "parameter 2") agree on name and type; null or the difference. */
  #field(a: Field, b: Field, what: string): string | null {
    const d = a.name !== b.name ? '' : this.#type(a.type, b.type);
    return d === '' ? `${what} is ${fieldText(a)} here and ${fieldText(b)} there` : d;
  }

  /** Whether the named type agrees on both sides; null or the difference. */
  named(name: string): string | null {
    const memo = this.#memo;
    if (memo.has(name)) return memo.get(name)!;
    memo.set(name, null);
    const a = this.here.types.get(name);
    const b = this.there.types.get(name);
    const d = !a || !b
      ? a === b ? null : `type ${name} is ${a?.kind} here and ${b?.kind} there`
      : a.kind !== b.kind
        ? `type ${name} is ${article(a.kind)} here and ${article(b.kind)} there`
        : a.kind === 'record'
          ? first(a.components, (b as typeof a).components, (x, y, i) => this.#field(x, y, `record ${name} component ${i}`))
          : first(a.items, (b as typeof a).items, (x, y, i) =>
              x !== y ? `${a.kind} ${name} ${a.kind === 'enum' ? 'constant' : 'subtype'} ${i} is ${x} here and ${y} there` : a.kind === 'sealed' ? this.named(x) : null,
            );
    memo.set(name, d);
    return d;
  }

  /** The difference between a method of here and the method of the same name there, or null. */
  method(a: MethodDef, b: MethodDef): string | null {
    const d = this.#type(a.result, b.result);
    return (
      first(a.params, b.params, (x, y, i) => this.#field(x, y, 'parameter ' + i)) ??
      (d === '' ? `result is '${typeText(a.result)}' here and '${typeText(b.result)}' there` : d) ??
      first(a.throws, b.throws, (x, y, i) => (x !== y ? `declared exception ${i} is ${x} here and ${y} there` : null))
    );
  }

  /** Why type `a` here (the state record or the event type) cannot read `b` there, or null. */
  root(a: string, b: string | undefined): string | null {
    if (b === undefined) return "it differs from the server's: " + REGENERATE;
    if (a !== b) return `it is ${a} here and ${b} there`;
    const d = this.named(a);
    return d === '' ? `type '${a}' here and '${b}' there` : d;
  }
}
