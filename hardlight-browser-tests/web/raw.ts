// Tests with the browser's own WebSocket, no HardLight runtime: what a page sees of an upgrade the
// server accepts or refuses, and of a plain (non-HardLight) WebSocket server.

/** What a page can observe of one WebSocket's life. */
export interface RawOutcome {
  opened: boolean;
  protocol: string;
  error: boolean;
  closeCode: number;
  closeReason: string;
  wasClean: boolean;
  /** The first binary message, as hex ('' if none). */
  first: string;
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function unhex(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(text.substring(2 * i, 2 * i + 2), 16);
  }
  return out;
}

/**
 * Opens a WebSocket, waits for its first binary message (then closes it) or for its close, and tells
 * what happened. {@code send}: hex bytes sent once open.
 */
export function rawConnect(arg: { url: string; protocols?: string[]; send?: string; timeout?: number }): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const outcome: RawOutcome = { opened: false, protocol: '', error: false, closeCode: 0, closeReason: '', wasClean: false, first: '' };
    const ws = arg.protocols ? new WebSocket(arg.url, arg.protocols) : new WebSocket(arg.url);
    ws.binaryType = 'arraybuffer';
    const timer = setTimeout(() => {
      ws.close();
      resolve(outcome);
    }, arg.timeout ?? 10000);
    ws.onopen = () => {
      outcome.opened = true;
      outcome.protocol = ws.protocol;
      if (arg.send) {
        ws.send(unhex(arg.send));
      }
    };
    ws.onerror = () => {
      outcome.error = true;
    };
    ws.onmessage = (m) => {
      if (m.data instanceof ArrayBuffer && outcome.first === '') {
        outcome.first = hex(new Uint8Array(m.data));
        ws.close(1000, 'done');
      }
    };
    ws.onclose = (e) => {
      clearTimeout(timer);
      outcome.closeCode = e.code;
      outcome.closeReason = e.reason;
      outcome.wasClean = e.wasClean;
      resolve(outcome);
    };
  });
}

export const rawTests = {
  /** The page's own origin (proves it loaded over the pinned TLS). */
  origin: async (): Promise<string> => location.origin,
  rawConnect,
};
