// End-to-end test of the claimls extension in real VS Code (code-server),
// driven by Playwright through Debian's Chromium. Run through ./run.sh, which
// installs everything and packages the extension first.
//
// Environment:
//   CODE_SERVER  path to the code-server binary (required)
//   VSIX         the packaged extension (required)
//   CHROMIUM     browser binary (default /usr/bin/chromium)
//   E2E_TIMEOUT  ms to wait for server-driven UI (default 20000)
//   E2E_KEEP=1   keep the temp directory
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, 'out');
const CODE_SERVER = process.env.CODE_SERVER;
const VSIX = process.env.VSIX;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const T = Number(process.env.E2E_TIMEOUT || 20000);
if (!CODE_SERVER || !VSIX) {
  console.error('e2e.mjs: set CODE_SERVER and VSIX (use ./run.sh)');
  process.exit(2);
}

const results = [];
let shot = 0;
let page;

async function screenshot(name) {
  if (!page) return;
  const file = join(outDir, `${String(++shot).padStart(2, '0')}-${name}.png`);
  try {
    await page.screenshot({ path: file });
  } catch {
    // page gone
  }
}

async function check(name, fn) {
  const t0 = Date.now();
  try {
    const note = await fn();
    results.push({ name, ok: true });
    console.log(`PASS  ${name}${note ? ` — ${note}` : ''} (${Date.now() - t0} ms)`);
  } catch (err) {
    results.push({ name, ok: false });
    console.log(`FAIL  ${name} — ${(err && err.message ? err.message : String(err)).split('\n')[0]} (${Date.now() - t0} ms)`);
  }
  await screenshot(name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

/** Screen point at the middle of the first rendered occurrence of `text` (a whole word) in the editor. */
async function textPoint(text, timeout = 10000) {
  const end = Date.now() + timeout;
  for (;;) {
    const pt = await page.evaluate((needle) => {
      const isWord = (c) => c !== undefined && /[A-Za-z0-9.]/.test(c);
      for (const span of document.querySelectorAll('.monaco-editor .view-lines .view-line span > span')) {
        const node = span.firstChild;
        if (!node || node.nodeType !== 3) continue;
        const t = node.textContent.replace(/\u00a0/g, ' ');
        let i = t.indexOf(needle);
        while (i !== -1 && (isWord(t[i - 1]) || isWord(t[i + needle.length]))) i = t.indexOf(needle, i + 1);
        if (i === -1) continue;
        const r = document.createRange();
        r.setStart(node, i);
        r.setEnd(node, i + needle.length);
        const b = r.getBoundingClientRect();
        if (b.width > 0) return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
      }
      return null;
    }, text);
    if (pt) return pt;
    if (Date.now() > end) throw new Error(`"${text}" not found in the editor`);
    await page.waitForTimeout(250);
  }
}

async function problemsText() {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible().catch(() => false))) {
    await page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ state: 'visible', timeout: 5000 });
  }
  return (await panel.innerText()).replace(/\s+/g, ' ');
}

async function waitProblems(pred, what) {
  const end = Date.now() + T;
  let last = '';
  while (Date.now() < end) {
    last = await problemsText().catch(() => '');
    if (pred(last)) return last;
    await page.waitForTimeout(300);
  }
  throw new Error(`${what}; Problems panel: ${last.slice(0, 300) || '(empty)'}`);
}

async function runCommand(title) {
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 5000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first().waitFor({ timeout: 5000 });
  await page.keyboard.press('Enter');
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'claimls-e2e-'));
  const userData = join(tmp, 'user-data');
  const extDir = join(tmp, 'extensions');
  const ws = join(tmp, 'workspace');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(ws, { recursive: true });
  cpSync(join(here, 'fixtures'), ws, { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'security.workspace.trust.enabled': false,
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'telemetry.telemetryLevel': 'off',
        'editor.hover.delay': 200,
        'editor.minimap.enabled': false,
        'claimls.today': '2026-03-10',
        'claimls.trace.server': 'messages',
      },
      null,
      2,
    ),
  );
  const port = await freePort();
  const cfg = join(tmp, 'config.yaml');
  writeFileSync(cfg, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const common = ['--config', cfg, '--user-data-dir', userData, '--extensions-dir', extDir];

  const inst = spawnSync(CODE_SERVER, [...common, '--install-extension', VSIX], { encoding: 'utf8' });
  process.stdout.write(inst.stdout || '');
  if (inst.status !== 0) throw new Error(`installing ${VSIX} failed:\n${inst.stderr}`);

  const log = join(outDir, 'code-server.log');
  const cs = spawn(
    CODE_SERVER,
    [...common, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ws],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let csLog = '';
  cs.stdout.on('data', (d) => (csLog += d));
  cs.stderr.on('data', (d) => (csLog += d));
  let browser;
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30000);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });

    await check('file opens as language "claim" with grammar colouring', async () => {
      const row = page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: 'errors.claim' }).first();
      await row.waitFor({ timeout: 30000 });
      await row.dblclick();
      await page.locator('.monaco-editor .view-line').first().waitFor({ timeout: 15000 });
      const mode = page.locator('.statusbar-item[id="status.editor.mode"]');
      await mode.waitFor({ timeout: 15000 });
      let lang = '';
      for (const end = Date.now() + 15000; Date.now() < end; await page.waitForTimeout(300)) {
        lang = (await mode.innerText()).trim();
        if (/claim/i.test(lang)) break;
      }
      if (!/claim/i.test(lang)) throw new Error(`language mode is "${lang}"`);
      // The grammar gives `claim` (keyword) and `E11.9` (code) their own token colours.
      const colourAt = async (text) => {
        const p = await textPoint(text);
        return page.evaluate(({ x, y }) => getComputedStyle(document.elementFromPoint(x, y)).color, p);
      };
      // Tokenization is asynchronous: wait until `billing` (keyword) differs from the plain text of the comment.
      let kw = '', comment = '', mod = '';
      for (const end = Date.now() + 15000; Date.now() < end; await page.waitForTimeout(300)) {
        [kw, comment, mod] = [await colourAt('billing'), await colourAt('known'), await colourAt('25')];
        if (kw !== comment && kw !== mod) break;
      }
      if (kw === comment || kw === mod) throw new Error(`keyword ${kw}, comment ${comment}, modifier ${mod}: not coloured`);
      return `mode ${lang}; keyword ${kw}, comment ${comment}, modifier ${mod}`;
    });

    await check('status bar shows the server (code-set edition)', async () => {
      const item = page.locator('.statusbar-item[id="claimls.claimls.server"], .statusbar-item[id$="claimls.server"]').first();
      await item.waitFor({ timeout: T });
      const end = Date.now() + T;
      let text = '';
      while (Date.now() < end) {
        text = (await item.innerText()).trim();
        const cls = (await item.getAttribute('class')) || '';
        if (text && !/error/i.test(cls) && !/^claimls$/.test(text)) return text;
        await page.waitForTimeout(300);
      }
      throw new Error(`status bar item stuck at "${text}"`);
    });

    const expected = ['npi', 'seventh-character', 'malformed-code', 'dx-pointer', 'missing-pointer'];
    await check(`Problems panel lists ${expected.join(', ')}`, async () => {
      const text = await waitProblems((t) => expected.every((id) => t.includes(id)), `missing: ${expected.join(', ')}`);
      const found = expected.filter((id) => text.includes(id));
      return `found ${found.join(', ')}`;
    });

    await check('hovering a code shows its title', async () => {
      await page.keyboard.press('Escape');
      const end = Date.now() + T;
      let text = '';
      while (Date.now() < end) {
        const p = await textPoint('E11.9');
        await page.mouse.move(p.x, p.y);
        const hover = page.locator('.monaco-hover-content').first();
        try {
          await hover.waitFor({ state: 'visible', timeout: 3000 });
          text = (await hover.innerText()).replace(/\s+/g, ' ');
          if (/diabetes/i.test(text)) return text.slice(0, 120);
        } catch {
          // no hover yet
        }
        await page.mouse.move(5, 5);
        await page.waitForTimeout(500);
      }
      throw new Error(`hover over E11.9: "${text.slice(0, 200)}"`);
    });

    await check('quick fix for seventh-character removes the diagnostic', async () => {
      await page.mouse.move(5, 5);
      const p = await textPoint('S72.001');
      await page.mouse.click(p.x, p.y);
      await page.keyboard.press('Control+.');
      const menu = page.locator('.action-widget, .context-view .monaco-list').first();
      await menu.waitFor({ state: 'visible', timeout: T });
      const items = page.locator('.action-widget .monaco-list-row.action, .action-widget .monaco-list-row');
      const titles = (await items.allInnerTexts()).map((s) => s.trim()).filter(Boolean);
      const idx = titles.findIndex((s) => /S72\.001/.test(s));
      if (idx < 0) throw new Error(`no S72.001x fix among: ${titles.join(' | ').slice(0, 200)}`);
      await items.nth(idx).click();
      await waitProblems((t) => !t.includes('seventh-character'), 'seventh-character still listed after the fix');
      return `applied "${titles[idx]}"`;
    });

    await check('typing a partial code offers completions', async () => {
      const p = await textPoint('end');
      await page.mouse.click(p.x, p.y);
      await page.keyboard.press('Home');
      await page.keyboard.press('Enter');
      await page.keyboard.press('ArrowUp');
      await page.keyboard.type('  dx D  E11.6');
      await page.keyboard.press('Control+Space');
      const rows = page.locator('.suggest-widget .monaco-list-row');
      await rows.first().waitFor({ state: 'visible', timeout: T });
      const labels = (await rows.allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
      await screenshot('completions');
      await page.keyboard.press('Escape');
      // Leave the document as it was on disk.
      await runCommand('File: Revert File');
      if (!labels.some((l) => /E11\.6/.test(l))) throw new Error(`completions: ${labels.join(' | ').slice(0, 200)}`);
      return labels.slice(0, 3).join(' | ');
    });

    await check('presentation mode masks the patient name (display only)', async () => {
      await page.keyboard.press('Escape');
      await runCommand('Claim: Toggle presentation mode');

      const end = Date.now() + 10000;
      let style = '';
      while (Date.now() < end) {
        // The decoration wraps the text in a span whose colour is transparent.
        style = await page
          .locator('.monaco-editor .view-line span')
          .filter({ hasText: /^"?Doe,[\s\u00a0]Jane"?$/ })
          .evaluateAll((els) => els.map((e) => getComputedStyle(e).color).join(','));
        if (/rgba\(0, 0, 0, 0\)|transparent/.test(style)) break;
        await page.waitForTimeout(300);
      }
      if (!/rgba\(0, 0, 0, 0\)|transparent/.test(style)) throw new Error(`name colours: ${style}`);
      await screenshot('presentation-mode');
      await runCommand('Claim: Toggle presentation mode');
      await textPoint('patient');
      return 'name drawn transparent over the mask bar';
    });
  } finally {
    await browser?.close().catch(() => {});
    cs.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (cs.exitCode === null) cs.kill('SIGKILL');
    writeFileSync(log, csLog);
    try {
      // The extension host's log, which holds the claimls output channel.
      const logs = spawnSync('sh', ['-c', `find "${userData}/logs" -name '*claimls*' -o -name 'exthost.log' | head -5 | xargs cat`], { encoding: 'utf8' });
      writeFileSync(join(outDir, 'extension-logs.txt'), logs.stdout || '');
    } catch {
      // no logs
    }
    if (process.env.E2E_KEEP === '1') console.log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  results.push({ name: 'harness', ok: false });
  console.log(`FAIL  harness — ${err && err.stack ? err.stack : err}`);
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`\n${passed} passed, ${failed} failed  (screenshots: ${outDir})`);
process.exit(failed === 0 ? 0 : 1);
