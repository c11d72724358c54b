// Drives Debian's chromium (headless) through playwright-core for the web console's system
// test. It reads one JSON command a line on stdin and answers one JSON line on stdout, so the
// Python test keeps the scenario (and its STOMP client) in one place:
//   {"op": "goto", "url": …}            -> {"ok": true, "value": load time in ms}
//   {"op": "fill", "selector": …, "value": …} | {"op": "click", "selector": …}
//   {"op": "text", "selector": …}       -> its text
//   {"op": "waitText", "selector": …, "pattern": regex, "timeout": ms}
//   {"op": "waitTextAt", …}             -> the same; the page's clock when it matched (ms)
//   {"op": "screenshot", "path": …}     | {"op": "close"}
//   {"op": "errors"}: the page's uncaught errors; {"op": "console"}: its console messages
// Every command is bounded by its timeout (default 15 s); a failure answers {"ok": false,
// "error": …} and the driver goes on.
'use strict';

const readline = require('readline');
const { chromium } = require('playwright-core');

const DEFAULT_TIMEOUT = 15000;

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // No sandbox as root; nothing reaches out to the network but the page.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(DEFAULT_TIMEOUT);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const messages = [];  // the page's console, for a failing test's diagnosis
  page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));

  const ops = {
    async goto(c) {
      await page.goto(c.url, { waitUntil: 'load', timeout: c.timeout || DEFAULT_TIMEOUT });
      return page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        return nav ? nav.loadEventEnd - nav.startTime : null;
      });
    },
    async fill(c) { await page.fill(c.selector, c.value); },
    async click(c) { await page.click(c.selector); },
    async text(c) { return page.textContent(c.selector); },
    async waitText(c) {
      await page.waitForFunction(([sel, pattern]) => {
        const el = document.querySelector(sel);
        return el && new RegExp(pattern).test(el.textContent);
      }, [c.selector, c.pattern], { timeout: c.timeout || DEFAULT_TIMEOUT, polling: 100 });
      return page.textContent(c.selector);
    },
    // Like waitText; answers the page's clock (ms since its navigation began) when it matched.
    async waitTextAt(c) {
      const handle = await page.waitForFunction(([sel, pattern]) => {
        const el = document.querySelector(sel);
        return el && new RegExp(pattern).test(el.textContent) && performance.now();
      }, [c.selector, c.pattern], {timeout: c.timeout || DEFAULT_TIMEOUT, polling: 'raf'});
      return handle.jsonValue();
    },
    async screenshot(c) { await page.screenshot({ path: c.path, fullPage: true }); },
    async errors() { return errors; },
    async console() { return messages; },
  };

  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const c = JSON.parse(line);
    if (c.op === 'close') break;
    try {
      const fn = ops[c.op];
      if (!fn) throw new Error(`no op ${c.op}`);
      const value = await fn(c);
      process.stdout.write(JSON.stringify({ ok: true, value: value === undefined ? null : value }) + '\n');
    } catch (e) {
      process.stdout.write(JSON.stringify({ ok: false, error: String(e.message || e) }) + '\n');
    }
  }
  await browser.close();
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ ok: false, error: `driver: ${e.message || e}` }) + '\n');
  process.exit(1);
});
