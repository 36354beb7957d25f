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

const CONSTRUCTORS = new Set(['list', 'set', 'map']);

class Cursor {
  i = 0;
  constructor(readonly s: string) {}

  fail(what: string): Error {
    return new Error(`schema line '${this.s}': ${what} at column ${this.i + 1}`);
  }

  name(): string {
    const m = /^[^\s<>,?():{}]+/.exec(this.s.slice(this.i));
    if (!m) throw this.fail('expected a name');
    this.i += m[0].length;
    return m[0];
  }

  eat(c: string): boolean {
    if (this.s.startsWith(c, this.i)) {
      this.i += c.length;
      return true;
    }
    return false;
  }

  expect(c: string): void {
    if (!this.eat(c)) throw this.fail(`expected '${c}'`);
  }

  type(): TypeExpr {
    const k = this.name();
    let t: TypeExpr = { k };
    if (CONSTRUCTORS.has(k) && this.eat('<')) {
      const a = [this.type()];
      while (this.eat(',')) a.push(this.type());
      this.expect('>');
      t = { k, a };
    }
    while (this.eat('?')) t = { k: '?', a: [t] };
    return t;
  }

  /** `(name:type,...)` */
  fields(): Field[] {
    this.expect('(');
    const out: Field[] = [];
    if (this.eat(')')) return out;
    do {
      const name = this.name();
      this.expect(':');
      out.push({ name, type: this.type() });
    } while (this.eat(','));
    this.expect(')');
    return out;
  }

  /** `{A,B,...}` */
  items(): string[] {
    this.expect('{');
    const out: string[] = [];
    if (this.eat('}')) return out;
    do out.push(this.name());
    while (this.eat(','));
    this.expect('}');
    return out;
  }

  done(): void {
    if (this.i !== this.s.length) throw this.fail('unexpected text');
  }
}

/** Parses a schema text; throws Error naming the line that is not understood. */
export function parseSchema(text: string): Schema {
  let service = '';
  let state: string | undefined;
  let events: string | undefined;
  const methods = new Map<string, MethodDef>();
  const types = new Map<string, TypeDef>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const sp = line.indexOf(' ');
    const kw = line.slice(0, sp);
    const c = new Cursor(line);
    c.i = sp + 1;
    if (kw === 'service') service = line.slice(sp + 1);
    else if (kw === 'state') state = line.slice(sp + 1);
    else if (kw === 'events') events = line.slice(sp + 1);
    else if (kw === 'method') {
      const name = c.name();
      const params = c.fields();
      c.expect(':');
      const result = c.type();
      const throws: string[] = [];
      if (c.eat(' throws ')) {
        do throws.push(c.name());
        while (c.eat(','));
      }
      if (c.eat(' requires ')) c.name();
      c.done();
      methods.set(name, { name, params, result, throws });
    } else if (kw === 'record') {
      const name = c.name();
      types.set(name, { kind: 'record', components: c.fields() });
      c.done();
    } else if (kw === 'enum' || kw === 'sealed') {
      const name = c.name();
      types.set(name, { kind: kw, items: c.items() });
      c.done();
    } else throw c.fail('unknown keyword');
  }
  return { service, ...(state && { state }), ...(events && { events }), methods, types };
}

export function typeText(t: TypeExpr): string {
  if (!t.a) return t.k;
  if (t.k === '?') return typeText(t.a[0]!) + '?';
  return `${t.k}<${t.a.map(typeText).join(',')}>`;
}

const fieldText = (f: Field): string => `'${f.name}:${typeText(f.type)}'`;

/**
 * Compares the types of two schemas, "here" (this client's) and "there" (the server's). Each method
 * returns null when compatible, else a sentence saying the first difference.
 */
export class Compatibility {
  // per named type: null when compatible (or being compared: recursion through a type assumes it is)
  private readonly memo = new Map<string, string | null>();

  constructor(readonly here: Schema, readonly there: Schema) {}

  /** null: compatible; '': differs at this level (the caller names it); else the nested difference. */
  private type(a: TypeExpr, b: TypeExpr): string | null {
    if (a.k !== b.k || (a.a?.length ?? 0) !== (b.a?.length ?? 0)) return '';
    if (a.a) {
      for (let i = 0; i < a.a.length; i++) {
        const d = this.type(a.a[i]!, b.a![i]!);
        if (d !== null) return d;
      }
      return null;
    }
    return this.here.types.has(a.k) || this.there.types.has(a.k) ? this.named(a.k) : null;
  }

  /** Whether the named type agrees on both sides; null or the difference. */
  named(name: string): string | null {
    if (this.memo.has(name)) return this.memo.get(name)!;
    this.memo.set(name, null);
    const d = this.compareNamed(name);
    this.memo.set(name, d);
    return d;
  }

  private compareNamed(name: string): string | null {
    const a = this.here.types.get(name);
    const b = this.there.types.get(name);
    if (!a || !b) return `${name} is ${a ? '' : 'not '}defined here and ${b ? '' : 'not '}there`;
    if (a.kind !== b.kind) return `${name} is a ${a.kind} here and a ${b.kind} there`;
    if (a.kind === 'record') {
      const bc = (b as typeof a).components;
      for (let i = 0; i < Math.min(a.components.length, bc.length); i++) {
        const d = this.field(a.components[i]!, bc[i]!);
        if (d !== null) return d || `record ${name} component ${i + 1} is ${fieldText(a.components[i]!)} here and ${fieldText(bc[i]!)} there`;
      }
      return null;
    }
    const bi = (b as typeof a).items;
    for (let i = 0; i < Math.min(a.items.length, bi.length); i++) {
      if (a.items[i] !== bi[i]) {
        return a.kind === 'enum'
          ? `enum ${name} constant ${i} is ${a.items[i]} here and ${bi[i]} there`
          : `sealed ${name} tag ${i} is ${a.items[i]} here and ${bi[i]} there`;
      }
      if (a.kind === 'sealed') {
        const d = this.named(a.items[i]!);
        if (d) return d;
      }
    }
    return null;
  }

  private field(a: Field, b: Field): string | null {
    return a.name !== b.name ? '' : this.type(a.type, b.type);
  }

  /** The difference between a method of here and the method of the same name there, or null. */
  method(a: MethodDef, b: MethodDef): string | null {
    for (let i = 0; i < Math.min(a.params.length, b.params.length); i++) {
      const d = this.field(a.params[i]!, b.params[i]!);
      if (d !== null) return d || `parameter ${i + 1} is ${fieldText(a.params[i]!)} here and ${fieldText(b.params[i]!)} there`;
    }
    const d = this.type(a.result, b.result);
    if (d !== null) return d || `result is '${typeText(a.result)}' here and '${typeText(b.result)}' there`;
    for (let i = 0; i < Math.min(a.throws.length, b.throws.length); i++) {
      if (a.throws[i] !== b.throws[i]) return `declared exception ${i + 1} is ${a.throws[i]} here and ${b.throws[i]} there`;
    }
    return null;
  }

  /** The difference between the state records (or event types) named on each side, or null. */
  root(a: string | undefined, b: string | undefined, what: string): string | null {
    if (a !== b) return `the ${what} is ${a ?? 'none'} here and ${b ?? 'none'} there`;
    return a ? this.named(a) : null;
  }
}
