// UTF-8 as protocol.md section 5 wants it: decoding rejects overlong forms, encoded surrogates and
// truncated sequences (the WHATWG decoder in fatal mode does exactly that; ignoreBOM keeps a leading
// U+FEFF as the character it is); encoding writes '?' for an unpaired surrogate, as Java does.

let strict: TextDecoder | undefined;

/** How many unpaired surrogates were written as '?' (a Set's elements may then repeat when sent: wire.ts). */
export let lost = 0;

/** Writes `s` as UTF-8 at `at` (the buffer has room for 3 bytes per UTF-16 unit); returns the end. */
export function writeUtf8(s: string, buf: Uint8Array, at: number): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[at++] = c;
    } else if (c < 0x800) {
      buf[at++] = 0xc0 | (c >> 6);
      buf[at++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const d = s.charCodeAt(i + 1); // NaN past the end
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        buf[at++] = 0xf0 | (c >> 18);
        buf[at++] = 0x80 | ((c >> 12) & 0x3f);
        buf[at++] = 0x80 | ((c >> 6) & 0x3f);
        buf[at++] = 0x80 | (c & 0x3f);
      } else {
        buf[at++] = 0x3f; // '?' for an unpaired surrogate
        lost++;
      }
    } else {
      buf[at++] = 0xe0 | (c >> 12);
      buf[at++] = 0x80 | ((c >> 6) & 0x3f);
      buf[at++] = 0x80 | (c & 0x3f);
    }
  }
  return at;
}

export function encodeUtf8(s: string): Uint8Array<ArrayBuffer> {
  const buf = new Uint8Array(s.length * 3);
  return buf.slice(0, writeUtf8(s, buf, 0));
}

/** Decodes bytes [from, to) of `buf`; throws TypeError on invalid UTF-8. */
export function decodeUtf8(buf: Uint8Array, from: number, to: number): string {
  if (to - from < 64) {
    // short ASCII, four characters a step (TextDecoder costs more than that for a short string)
    let s = '';
    let i = from;
    for (let a, b, c, d; i + 3 < to && ((a = buf[i]!) | (b = buf[i + 1]!) | (c = buf[i + 2]!) | (d = buf[i + 3]!)) < 0x80; i += 4) {
      s += String.fromCharCode(a, b, c, d);
    }
    for (let a; i < to && (a = buf[i]!) < 0x80; i++) s += String.fromCharCode(a);
    if (i === to) return s;
  }
  return (strict ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })).decode(buf.subarray(from, to));
}
