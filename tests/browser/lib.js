// Shared by the browser tests: start `dpcctl ui` on an ephemeral loopback
// port, launch Debian's Chromium headless through puppeteer-core, take
// screenshots into the artefact directory, and wait for conditions with a
// bound (a failing wait names what it waited for).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

let puppeteer;
try {
  puppeteer = require('puppeteer-core');
} catch (e) {
  console.error('puppeteer-core is missing: run scripts/install-deps.sh (npm ci in tests/browser)');
  process.exit(1);
}

const CHROMIUM = process.env.DPC_CHROMIUM || '/usr/bin/chromium';

function usage() {
  console.error('usage: node TEST.js DPCCTL SOURCE_DIR ARTEFACT_DIR');
  process.exit(2);
}

/// Starts `dpcctl ui ARGS --listen 127.0.0.1:0` and resolves with {proc, url}.
function startConsole(dpcctl, args, cwd) {
  return new Promise((resolve, reject) => {
    const proc = spawn(dpcctl, ['ui', ...args, '--listen', '127.0.0.1:0'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error('dpcctl ui printed no URL within 20 s:\n' + out)), 20000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/open (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve({ proc, url: m[1] }); }
    });
    proc.stderr.on('data', (d) => { out += d; });
    proc.on('exit', (code) => reject(new Error(`dpcctl ui exited (${code}):\n${out}`)));
  });
}

async function launch() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (scripts/install-deps.sh)`);
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage',
           '--proxy-server=direct://', '--proxy-bypass-list=*'],
    defaultViewport: { width: 1400, height: 1000 },
  });
}

/// Polls `fn` (in node) until it returns a truthy value, or fails naming `what`.
async function waitFor(what, fn, timeoutMs = 30000) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeoutMs) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

async function shot(page, dir, name) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name + '.png');
  await page.screenshot({ path: file, fullPage: true });
  console.log('screenshot:', file);
}

/// Runs `body(ctx)` with the console and a browser page; cleans up; exit 1 on failure.
async function run(name, consoleArgs, body) {
  const [dpcctl, sourceDir, artefacts] = process.argv.slice(2);
  if (!artefacts) usage();
  const dir = path.join(artefacts, name);
  fs.mkdirSync(dir, { recursive: true });
  let ui, browser;
  try {
    ui = await startConsole(dpcctl, consoleArgs(dir), sourceDir);
    browser = await launch();
    const page = await browser.newPage();
    const consoleErrors = [];
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    await body({ page, url: ui.url, dir, dpcctl, sourceDir, shot: (n) => shot(page, dir, n) });
    if (consoleErrors.length) throw new Error('errors in the page:\n' + consoleErrors.join('\n'));
    console.log(`PASS ${name}`);
  } catch (e) {
    console.error(`FAIL ${name}: ${e.stack || e}`);
    process.exitCode = 1;
  } finally {
    if (browser) await browser.close();
    if (ui) ui.proc.kill('SIGTERM');
  }
}

/// `dpcctl ARGS` run to completion: {status, output}.
function dpcctlRun(dpcctl, args, cwd) {
  const r = spawnSync(dpcctl, args, { cwd, encoding: 'utf8', timeout: 120000 });
  return { status: r.status, output: (r.stdout || '') + (r.stderr || '') };
}

module.exports = { run, waitFor, dpcctlRun };
