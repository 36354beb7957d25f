// A second Chromium for the benchmarks, driven over the DevTools protocol on a pipe with nothing enabled
// but Runtime; its pages answer evaluate(fn, arg) and close() as Playwright's do. Playwright turns on the Network domain in every page it drives: for each WebSocket message
// the renderer then builds a DevTools event with the payload, the browser process forwards it and the
// driver parses it, work a user's browser never does. Measured on the benchmark's 64-call BATCH, that
// instrumentation cost more CPU than the page's own work, so benchmark figures come from this browser.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class BareBrowser {
  #child;
  #out;
  #nextId = 1;
  #waiting = new Map();
  #profile;

  /** Starts Chromium headless with the same flags as the Playwright one, trusting exactly `pins`. */
  constructor(executablePath, pins) {
    this.#profile = mkdtempSync(join(tmpdir(), 'hl-bare-chromium-'));
    this.#child = spawn(
      executablePath,
      ['--headless', '--no-sandbox', '--disable-gpu', '--remote-debugging-pipe', `--user-data-dir=${this.#profile}`,
        '--no-first-run', '--no-default-browser-check', `--ignore-certificate-errors-spki-list=${pins}`, 'about:blank'],
      { stdio: ['ignore', 'ignore', 'inherit', 'pipe', 'pipe'] },
    );
    this.#out = this.#child.stdio[3];
    let pending = '';
    this.#child.stdio[4].setEncoding('utf8');
    this.#child.stdio[4].on('data', (chunk) => {
      pending += chunk;
      let end;
      while ((end = pending.indexOf('\0')) >= 0) {
        const message = JSON.parse(pending.slice(0, end));
        pending = pending.slice(end + 1);
        const w = message.id !== undefined ? this.#waiting.get(message.id) : undefined;
        if (w) {
          this.#waiting.delete(message.id);
          if (message.error) {
            w.reject(new Error(`${w.method}: ${message.error.message}`));
          } else {
            w.resolve(message.result);
          }
        }
      }
    });
    this.#child.on('exit', (code) => {
      for (const w of this.#waiting.values()) {
        w.reject(new Error(`the benchmark Chromium exited (${code})`));
      }
      this.#waiting.clear();
    });
  }

  send(method, params = {}, sessionId = undefined) {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject, method });
      this.#out.write(JSON.stringify(sessionId ? { id, method, params, sessionId } : { id, method, params }) + '\0');
    });
  }

  /** Opens a tab on `url` and waits (up to 20 s) until the page's test functions are registered. */
  async open(url) {
    const { targetId } = await this.send('Target.createTarget', { url });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new BarePage(this, sessionId, targetId);
    const until = Date.now() + 20000;
    while (!(await page.evaluate(() => window.hardlight !== undefined && document.readyState === 'complete'))) {
      if (Date.now() > until) {
        throw new Error(`${url}: the page did not register its test functions within 20 s`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return page;
  }

  async close() {
    try {
      await Promise.race([this.send('Browser.close'), new Promise((r) => setTimeout(r, 5000))]);
    } catch {
      // gone already
    }
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = new Promise((r) => this.#child.once('exit', r));
      this.#child.kill('SIGKILL');
      await exited;
    }
    try {
      // Chromium's helper processes may still be writing its profile for a moment after it exits
      rmSync(this.#profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch (e) {
      console.error(`could not remove ${this.#profile}: ${e.message}`);
    }
  }
}

class BarePage {
  constructor(browser, sessionId, targetId) {
    this.browser = browser;
    this.sessionId = sessionId;
    this.targetId = targetId;
  }

  /**
   * Calls `fn` (a function, its source sent to the page) with `arg` (JSON) in the page, awaiting a
   * promise, as Playwright's `page.evaluate(fn, arg)` does: answers the value (JSON) or throws the
   * page's error.
   */
  async evaluate(fn, arg) {
    const expression = `(${fn})(${JSON.stringify(arg)})`;
    const r = await this.browser.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, this.sessionId);
    if (r.exceptionDetails) {
      const d = r.exceptionDetails;
      throw new Error(d.exception?.description ?? d.text);
    }
    return r.result.value;
  }

  close() {
    return this.browser.send('Target.closeTarget', { targetId: this.targetId });
  }
}
