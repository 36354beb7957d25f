// Drives Debian's Chromium for the JUnit tests of this module, one JSON request per stdin line, one
// JSON answer per stdout line (stdout carries nothing else; logs go to stderr):
//   {"id":1,"op":"open","page":"a","url":"https://localhost:PORT/"}   opens a tab, waits for window.hardlight
//                                            (a test page) or body[data-ready] (an application page)
//   {"id":2,"op":"run","page":"a","fn":"calls","arg":{...},"timeout":20000}
//                                            awaits window.hardlight.tests[fn](arg) in the tab
//   {"id":3,"op":"screenshot","page":"a","path":"target/x.png"}
//   {"id":4,"op":"close","page":"a"}
//   {"id":6,"op":"fill","page":"a","selector":"#name","value":"alice"}   types into a field
//   {"id":7,"op":"click","page":"a","selector":"#login"}
//   {"id":8,"op":"waitForText","page":"a","selector":"#messages","text":"hi","timeout":10000}
//                                            waits until the element's text contains it; answers the text
//   {"id":9,"op":"profile","page":"a","fn":"benchCodec","arg":{...},"path":"target/x.cpuprofile","timeout":60000}
//                                            runs fn as "run" does under Chromium's CPU profiler (CDP), writes
//                                            the profile to path; answers the functions with the most self time
//   {"id":10,"op":"open","page":"b","url":"...","bare":true}
//                                            opens the tab in a second Chromium driven without Playwright
//                                            (js/bare.mjs: no DevTools domain but Runtime), for benchmarks;
//                                            such a tab takes "run" and "close" only
//   {"id":5,"op":"quit"}                     closes the browser and exits 0
// Answers: {"id":N,"ok":true,"value":...} or {"id":N,"ok":false,"error":"..."}.
// Usage: node js/driver.mjs <spki-pin>[,<pin>...]   (the base64 SHA-256 of the server key(s) to trust)
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';
import { BareBrowser } from './bare.mjs';

const pins = process.argv[2];
if (!pins || !/^[A-Za-z0-9+/=,]+$/.test(pins)) {
  console.error('usage: node driver.mjs <base64 SPKI SHA-256>[,...]');
  process.exit(2);
}
const executablePath = process.env.HL_CHROMIUM ?? '/usr/bin/chromium';

const browser = await chromium.launch({
  executablePath,
  // Trust exactly the test server's key: never --ignore-certificate-errors.
  args: ['--headless', '--no-sandbox', '--disable-gpu', `--ignore-certificate-errors-spki-list=${pins}`],
});
const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
const pages = new Map();
/** Started on the first bare tab. */
let bare;

function answer(message) {
  process.stdout.write(JSON.stringify(message, (_, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
}

async function open(name, url, isBare) {
  if (isBare) {
    bare ??= new BareBrowser(executablePath, pins);
    pages.set(name, await bare.open(url));
    return url;
  }
  const page = await context.newPage();
  page.on('console', (m) => console.error(`[${name} console.${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => console.error(`[${name} pageerror] ${e.stack ?? e}`));
  const response = await page.goto(url, { waitUntil: 'load', timeout: 20000 });
  if (!response || !response.ok()) {
    throw new Error(`loading ${url}: HTTP ${response ? response.status() : 'no response'}`);
  }
  await page.waitForFunction(() => window.hardlight !== undefined || document.body.dataset.ready === 'true', null, { timeout: 20000 });
  pages.set(name, page);
  return url;
}

function page(name) {
  const p = pages.get(name);
  if (!p) {
    throw new Error(`no page named ${name}`);
  }
  return p;
}

async function run(name, fn, arg, timeout) {
  const p = page(name);
  // a Playwright page, or a bare one (js/bare.mjs), which sends this function's source to the page
  const result = p.evaluate(
    async ({ fn, arg }) => {
      const test = window.hardlight.tests[fn];
      if (typeof test !== 'function') {
        throw new Error(`the page has no test function ${fn}`);
      }
      return await test(arg);
    },
    { fn, arg },
  );
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${fn} did not finish within ${timeout} ms`)), timeout);
  });
  try {
    return await Promise.race([result, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs fn under the CPU profiler; writes the profile; answers the top functions by self time (percent of samples). */
async function profile(name, fn, arg, path, timeout) {
  const cdp = await context.newCDPSession(page(name));
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  let value;
  let prof;
  try {
    value = await run(name, fn, arg, timeout);
  } finally {
    prof = (await cdp.send('Profiler.stop')).profile;
    await cdp.detach();
  }
  writeFileSync(path, JSON.stringify(prof));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (const id of prof.samples) {
    const f = byId.get(id).callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + 1);
  }
  const total = prof.samples.length;
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([f, n]) => ({ function: f, percent: Math.round((1000 * n) / total) / 10 }));
  return { value, samples: total, top };
}

async function handle(request) {
  switch (request.op) {
    case 'open':
      return open(request.page, request.url, request.bare === true);
    case 'run':
      return run(request.page, request.fn, request.arg ?? null, request.timeout ?? 30000);
    case 'profile':
      return profile(request.page, request.fn, request.arg ?? null, request.path, request.timeout ?? 60000);
    case 'screenshot':
      await page(request.page).screenshot({ path: request.path, fullPage: true });
      return request.path;
    case 'fill':
      await page(request.page).locator(request.selector).fill(request.value, { timeout: 10000 });
      return true;
    case 'click':
      await page(request.page).locator(request.selector).click({ timeout: 10000 });
      return true;
    case 'waitForText': {
      const locator = page(request.page).locator(request.selector);
      const timeout = request.timeout ?? 10000;
      const until = Date.now() + timeout;
      let text = '';
      while (Date.now() < until) {
        text = (await locator.textContent({ timeout })) ?? '';
        if (text.includes(request.text)) {
          return text;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${request.selector} did not show "${request.text}" within ${timeout} ms; it shows "${text}"`);
    }
    case 'close':
      await page(request.page).close();
      pages.delete(request.page);
      return true;
    default:
      throw new Error(`unknown op ${request.op}`);
  }
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) {
    continue;
  }
  let request;
  try {
    request = JSON.parse(line);
  } catch (e) {
    answer({ id: null, ok: false, error: `not JSON: ${line}` });
    continue;
  }
  if (request.op === 'quit') {
    await bare?.close();
    await browser.close();
    answer({ id: request.id, ok: true, value: true });
    process.exit(0);
  }
  try {
    answer({ id: request.id, ok: true, value: (await handle(request)) ?? null });
  } catch (e) {
    answer({ id: request.id, ok: false, error: String(e && e.message ? e.message : e) });
  }
}
// stdin closed without a quit: the JUnit side is gone.
await bare?.close();
await browser.close();
process.exit(3);
