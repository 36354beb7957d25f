import { encodeUtf8 } from './utf8.js';

function checkNano(nano: number): number {
  if (!Number.isInteger(nano) || nano < 0 || nano > 999_999_999) {
    throw new RangeError(`nano: ${nano} (expected: 0..999999999)`);
  }
  return nano;
}

/** Milliseconds as whole seconds (toward the past) and nanoseconds. */
function split(ms: number): [bigint, number] {
  const s = Math.floor(ms / 1000);
  return [BigInt(s), Math.round((ms - s * 1000) * 1e6)];
}

/**
 * A point on the time line with nanosecond precision, as Java's `Instant`: whole seconds since
 * 1970-01-01T00:00:00Z (negative before) plus 0..999999999 nanoseconds. A JavaScript `Date` holds
 * only milliseconds, so this class keeps the value exactly.
 */
/** Whether two byte arrays hold the same bytes ("1,2,3": the same text for the same bytes). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return '' + a === '' + b;
}

export class Instant {
  static readonly EPOCH = new Instant(0n, 0);
  // declared, not defined: the constructor sets them (no field definitions in the bundle)
  declare readonly epochSecond: bigint;
  declare readonly nano: number;

  constructor(epochSecond: bigint, nano: number) {
    this.epochSecond = epochSecond;
    this.nano = checkNano(nano);
  }

  static ofEpochMilli(ms: number): Instant {
    return new Instant(...split(ms));
  }

  static fromDate(d: Date): Instant {
    return new Instant(...split(+d));
  }

  /** As a Date: milliseconds (nanoseconds below a millisecond are dropped, toward the past). */
  toDate(): Date {
    return new Date(Number(this.epochSecond) * 1000 + Math.floor(this.nano / 1e6));
  }

  equals(o: unknown): boolean {
    return o instanceof Instant && o.epochSecond === this.epochSecond && o.nano === this.nano;
  }
}

/** An amount of time with nanosecond precision, as Java's `Duration`: seconds (may be negative) plus 0..999999999 ns. */
export class Duration {
  static readonly ZERO = new Duration(0n, 0);
  declare readonly seconds: bigint;
  declare readonly nano: number;

  constructor(seconds: bigint, nano: number) {
    this.seconds = seconds;
    this.nano = checkNano(nano);
  }

  static ofMillis(ms: number): Duration {
    return new Duration(...split(ms));
  }

  toMillis(): number {
    return Number(this.seconds) * 1000 + this.nano / 1e6;
  }

  equals(o: unknown): boolean {
    return o instanceof Duration && o.seconds === this.seconds && o.nano === this.nano;
  }
}

/** A topic name: at most 1024 bytes. A string topic is its UTF-8 bytes. */
export class Topic {
  static readonly MAX_LENGTH = 1024;

  declare readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    if (bytes.length > Topic.MAX_LENGTH) {
      throw new RangeError(`topic of ${bytes.length} bytes (expected: <= ${Topic.MAX_LENGTH})`);
    }
    this.bytes = bytes;
  }

  static of(name: string): Topic {
    return new Topic(encodeUtf8(name));
  }

  equals(o: unknown): boolean {
    return o instanceof Topic && sameBytes(o.bytes, this.bytes);
  }

  /** The topic as text (invalid UTF-8 shows as U+FFFD). */
  toString(): string {
    return new TextDecoder().decode(this.bytes);
  }
}
