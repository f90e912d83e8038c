// End-to-end test of the claimls extension in real VS Code (code-server),
// driven by Playwright through Debian's Chromium. Run through ./run.sh, which
// installs everything and packages the extension first.
//
// Every check waits for a condition (with a timeout), never for a fixed time,
// and when it fails it says what it saw. Screenshots go to out/ after each check;
// out/vscode-claimls.png and out/vscode-claimls-837.png are the ones shown in
// editors/vscode/README.md (completions for E11.6 in a claim file and for E116 in an 837's
// HI, with squiggles, inlay hints and the Problems panel).
//
// Environment:
//   CODE_SERVER  path to the code-server binary (required)
//   VSIX         the packaged extension (required)
//   CHROMIUM     browser binary (default /usr/bin/chromium)
//   E2E_TIMEOUT  ms to wait for server-driven UI (default 20000)
//   E2E_TRACE    claimls.trace.server: off | messages (default) | verbose
//   E2E_KEEP=1   keep the temp directory
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

// What the fixture must show: rule id and 1-based line of each diagnostic (errors.claim).
const FIXTURE = 'errors.claim';
const EXPECTED_PROBLEMS = [
  ['npi', 5],
  ['seventh-character', 9],
  ['malformed-code', 10],
  ['dx-pointer', 12],
  ['missing-pointer', 13],
];
const E11_9_TITLE = 'Type 2 diabetes mellitus without complications';

// An 837P and an HL7 order (fixtures/formats/, opened as a workspace of their own so that
// their Problems rows stand alone): rule id and 1-based line of each problem the panel
// lists (hints such as cpt-unverified are not listed there).
const X12_FIXTURE = 'errors-837p.837';
const X12_PROBLEMS = [
  ['claim-total', 21],
  ['header-code', 22],
  ['unused-dx', 22],
  ['npi', 23],
  ['dx-pointer', 28],
  ['envelope', 30],
];
const HL7_FIXTURE = 'order.hl7';
const HL7_PROBLEMS = [['coding-system', 5]];

const results = [];
let shot = 0;
let page;

async function screenshot(name) {
  if (!page) return;
  const file = join(outDir, `${String(++shot).padStart(2, '0')}-${name}.png`);
  try {
    await page.screenshot({ path: file, animations: 'disabled' });
  } catch {
    // page gone
  }
}

async function check(name, fn) {
  const t0 = Date.now();
  try {
    await settle();
    const note = await fn();
    results.push({ name, ok: true });
    console.log(`PASS  ${name}${note ? ` — ${note}` : ''} (${Date.now() - t0} ms)`);
  } catch (err) {
    results.push({ name, ok: false });
    // Our own errors say what was seen; Playwright's carry a call log: keep its head.
    const msg = (err && err.message ? err.message : String(err))
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n')
      .filter((l) => l.trim() && !/^\s*Call log:/.test(l))
      .slice(0, 3)
      .join('\n      ');
    console.log(`FAIL  ${name} (${Date.now() - t0} ms)\n      ${msg}`);
  }
  await screenshot(name.replace(/[^a-z0-9]+/gi, '-').replace(/-+$/, '').toLowerCase());
}

/** Leaves no hover or widget open from a check before (a failed one included). */
async function settle() {
  if (!page) return;
  await page.mouse.move(5, 450);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await page
    .locator('.monaco-editor .monaco-hover-content:visible')
    .first()
    .waitFor({ state: 'hidden', timeout: 3000 })
    .catch(() => {});
}

/** What overlays are open, for failure messages. */
async function openWidgets() {
  const kinds = {
    hover: '.monaco-editor .monaco-hover-content:visible',
    'action menu': '.action-widget:visible',
    suggest: '.editor-widget.suggest-widget.visible',
    'quick input': '.quick-input-widget:visible',
    'notification': '.notification-toast:visible',
  };
  const open = [];
  for (const [name, sel] of Object.entries(kinds)) {
    const n = await page.locator(sel).count();
    if (n) open.push(`${name}${name === 'notification' ? `: ${(await page.locator(sel).first().innerText()).replace(/\s+/g, ' ').slice(0, 120)}` : ''}`);
  }
  return open.length ? `open: ${open.join(', ')}` : 'no widget open';
}

/**
 * Polls `probe` until it returns { ok: true, value } or `ms` pass; then throws
 * "`what`; saw: <last seen>". `probe` may throw (treated as not yet).
 */
async function until(what, probe, ms = T) {
  const end = Date.now() + ms;
  let seen = '(nothing)';
  for (;;) {
    try {
      const r = await probe();
      if (r.ok) return r.value;
      if (r.seen !== undefined) seen = r.seen;
    } catch (err) {
      seen = `error: ${(err && err.message ? err.message : String(err)).split('\n')[0]}`;
    }
    if (Date.now() > end) throw new Error(`${what} within ${ms} ms; saw: ${seen}`);
    await page.waitForTimeout(150);
  }
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

/** Screen point at the middle of the first rendered occurrence of `text` (a whole word) in the editor, or null. */
function findText(text) {
  return page.evaluate((needle) => {
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
}

async function textPoint(text, ms = 10000) {
  return until(`"${text}" shown in the editor`, async () => {
    const pt = await findText(text);
    return { ok: !!pt, value: pt };
  }, ms);
}

/** Places the cursor in the middle of `text` in the editor. */
async function clickOn(text) {
  const p = await textPoint(text);
  await page.mouse.click(p.x, p.y);
}

/** The Problems panel's marker rows as { id, line, text } (opens the panel if needed). */
async function problems() {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible().catch(() => false))) {
    await page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ state: 'visible', timeout: 5000 });
  }
  const rows = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
  let file = '';
  return rows
    .map((r) => r.replace(/\s+/g, ' ').trim())
    .map((text) => {
      const pos = /\[Ln (\d+), Col \d+\]/.exec(text);
      // A file's row ("errors.claim  5") comes before the rows of its problems.
      if (!pos) file = text.split(' ')[0];
      // "… claimls(npi) [Ln 5, Col 17]"; the brackets may be drawn by CSS (absent from innerText).
      const src = /claimls[\s(]+([a-z0-9-]+)\)?\s*\[Ln/.exec(text);
      return pos ? { id: src ? src[1] : '?', line: Number(pos[1]), text, file } : null;
    })
    .filter(Boolean);
}

const describe = (list) =>
  list.length ? list.map((p) => (p.id === '?' ? `"${p.text.slice(-80)}"` : `${p.id}@${p.line}`)).join(', ') : '(no problems)';
const sameProblems = (list, expected) => {
  const a = list.map((p) => `${p.id}@${p.line}`).sort();
  const b = expected.map(([id, line]) => `${id}@${line}`).sort();
  return a.length === b.length && a.every((x, i) => x === b[i]);
};

/** Waits until the Problems panel lists exactly `expected` ([rule id, line] pairs) (for `file` only, when given). */
async function expectProblems(expected, what, file) {
  return until(what, async () => {
    const list = (await problems()).filter((p) => !file || p.file === file);
    return { ok: sameProblems(list, expected), value: list, seen: describe(list) };
  });
}

/** Runs a command from the palette by its title. */
async function runCommand(title) {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first();
  // As with Go to Line, the palette may reset its value while it opens: retype until the row shows.
  await until(`the command palette to list "${title}"`, async () => {
    if (!(await input.isVisible())) {
      await page.keyboard.press('Control+Shift+P');
      await input.waitFor({ state: 'visible', timeout: 3000 });
    }
    if ((await input.inputValue()) !== `>${title}`) await input.fill(`>${title}`);
    const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    return { ok: await row.isVisible(), seen: `${await input.inputValue()}: ${rows.join(' | ').slice(0, 200) || '(no rows)'}` };
  }, 10000);
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5000 });
}

/** In an open list widget (rows matching `selector`), moves the keyboard focus to the first row matching `re`; returns its text. */
async function focusRow(selector, re, what) {
  const rowTexts = () =>
    page.evaluate((sel) => [...document.querySelectorAll(sel)].map((e) => ({ text: e.innerText.replace(/\s+/g, ' ').trim(), focused: e.classList.contains('focused') })), selector);
  const first = await until(`${what}: the list to fill`, async () => {
    const rows = await rowTexts();
    return { ok: rows.length > 0, value: rows, seen: '(empty list)' };
  });
  if (!first.some((r) => re.test(r.text))) throw new Error(`${what}: no entry matching ${re} among: ${first.map((r) => r.text).slice(0, 12).join(' | ')}`);
  for (let i = 0; i < 60; i++) {
    const current = (await rowTexts()).find((r) => r.focused);
    if (current && re.test(current.text)) return current.text;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`${what}: could not move the focus to ${re} with the arrow keys`);
}

/** Moves the cursor to the start of 1-based `line` with Go to Line (Ctrl+G). */
async function gotoLine(line) {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  const want = `:${line}:1`;
  // The widget starts with ":" and may reset the value while it opens: (re)type until it
  // describes the target line rather than the current one.
  await until(`Go to Line to offer line ${line}`, async () => {
    if (!(await input.isVisible())) {
      await page.keyboard.press('Control+G');
      await input.waitFor({ state: 'visible', timeout: 3000 });
    }
    if ((await input.inputValue()) !== want) await input.fill(want);
    const text = `${(await widget.innerText()).replace(/\s+/g, ' ')} [${await input.getAttribute('aria-label')}]`;
    return { ok: (await input.inputValue()) === want && new RegExp(`\\bline ${line}\\b`, 'i').test(text) && !/current line/i.test(text), seen: `${await input.inputValue()}: ${text.slice(0, 200)}` };
  }, 10000);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 5000 });
  await until(`the cursor at line ${line}`, async () => {
    const t = (await page.locator('.statusbar-item[id="status.editor.selection"]').innerText()).trim();
    return { ok: t.startsWith(`Ln ${line}, Col 1`), seen: `"${t}"` };
  }, 5000);
}

/**
 * A picture for editors/vscode/README.md (out/NAME): completions, squiggles, inlay hints, the
 * Problems panel and the status bar, without the side bar.
 */
async function readmePicture(name) {
  const side = await page.locator('.part.sidebar').boundingBox();
  const vp = page.viewportSize();
  const x = side ? Math.round(side.x + side.width) : 0;
  await page.screenshot({ path: join(outDir, name), animations: 'disabled', clip: { x, y: 0, width: vp.width - x, height: vp.height } });
}

/** Waits until the active editor has unsaved changes (an edit applied asynchronously has landed). */
async function untilDirty(what) {
  await until(what, async () => {
    const cls = (await page.locator('.tabs-container .tab.active').getAttribute('class')) || '';
    return { ok: /\bdirty\b/.test(cls), seen: cls };
  });
}

/** Saves the active editor (Ctrl+S) and waits until its tab is no longer dirty. */
async function save() {
  await page.keyboard.press('Control+S');
  await until('the active editor saved', async () => {
    const cls = (await page.locator('.tabs-container .tab.active').getAttribute('class')) || '';
    return { ok: !/\bdirty\b/.test(cls), seen: cls };
  }, 5000);
}

/** Saves the active editor and waits until the file on disk reads `expected`. */
async function saveAndExpect(file, expected, what) {
  await save();
  return until(what, async () => {
    const text = readFileSync(file, 'utf8');
    return { ok: text === expected, value: text, seen: diffLines(expected, text) };
  });
}

/** A one-line description of how `actual` differs from `expected` (first differing line). */
function diffLines(expected, actual) {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1} is ${JSON.stringify(b[i])}, expected ${JSON.stringify(a[i])}`;
  }
  return 'the file as expected';
}

/** Opens `name` from the explorer and waits for language mode `mode` in the status bar. */
async function openFile(name, mode) {
  const row = page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: name }).first();
  await row.waitFor({ timeout: 30000 });
  await row.dblclick();
  const item = page.locator('.statusbar-item[id="status.editor.mode"]');
  return until(`language mode "${mode}" in the status bar`, async () => {
    const t = (await item.innerText()).trim();
    return { ok: t === mode, value: t, seen: `"${t}"` };
  });
}

/** Checks that each [word, scope] pair has that TextMate scope (and `root`), as VS Code's token inspector shows. */
async function expectScopes(want, root) {
  for (const [word, scope] of want) {
    await clickOn(word);
    await runCommand('Developer: Inspect Editor Tokens and Scopes');
    const widget = page.locator('.token-inspect-widget');
    const text = await until(`the token inspector on "${word}"`, async () => {
      const t = (await widget.innerText()).replace(/\s+/g, ' ');
      return { ok: /textmate scopes/i.test(t), value: t, seen: t.slice(0, 200) };
    });
    await page.keyboard.press('Escape');
    await widget.waitFor({ state: 'hidden', timeout: 5000 });
    if (!text.includes(scope) || !text.includes(root)) throw new Error(`"${word}": expected scope ${scope}; inspector: ${text.slice(0, 300)}`);
  }
  return want.map(([w, sc]) => `${w} → ${sc}`).join(', ');
}

/** Hovers the first shown `word` until the hover's text passes `ok`; returns the text. */
async function hoverText(word, ok, what) {
  await page.keyboard.press('Escape');
  const hover = page.locator('.monaco-editor .monaco-hover-content:visible');
  const text = await until(what, async () => {
    if (!(await hover.count())) {
      // (Re)enter the word: VS Code shows a hover on mouse movement over it.
      const p = await textPoint(word);
      await page.mouse.move(p.x - 40, p.y);
      await page.mouse.move(p.x, p.y, { steps: 4 });
      await hover.first().waitFor({ state: 'visible', timeout: 3000 }).catch(() => {});
    }
    const t = (await hover.allInnerTexts()).join(' ').replace(/\s+/g, ' ');
    return { ok: ok(t), value: t, seen: `"${t.slice(0, 200)}"` };
  });
  await page.mouse.move(5, 450);
  await page.keyboard.press('Escape');
  return text;
}

/** Opens the quick fix menu (Ctrl+.) on `word` and applies the entry matching `re`; returns its text. */
async function quickFix(word, re) {
  await clickOn(word);
  await page.keyboard.press('Control+.');
  const rows = '.action-widget .monaco-list-row.action';
  await until('the quick fix menu (Ctrl+.) to open', async () => {
    return { ok: await page.locator(rows).first().isVisible(), seen: await openWidgets() };
  });
  const chosen = await focusRow(rows, re, 'the quick fix menu');
  await page.keyboard.press('Enter');
  await page.locator('.action-widget').waitFor({ state: 'hidden', timeout: 5000 });
  return chosen;
}

/**
 * Types `typed` key by key at the cursor, waits for the suggest widget (opened by typing, or
 * by Ctrl+Space when `invoke`) to list an entry matching `re`, and accepts it; returns
 * { chosen, labels }. `picture` takes a screenshot while the widget is open.
 */
async function complete(typed, re, { invoke = false, picture } = {}) {
  await page.keyboard.type(typed, { delay: 60 });
  if (invoke) await page.keyboard.press('Control+Space');
  const rows = '.editor-widget.suggest-widget.visible .monaco-list-row';
  const labels = await until(`the suggest widget to list ${re}`, async () => {
    const all = (await page.locator(rows).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    return { ok: all.some((l) => re.test(l)), value: all, seen: all.length ? all.join(' | ').slice(0, 300) : `no suggestions (${await openWidgets()})` };
  });
  if (picture) await picture();
  const chosen = await focusRow(rows, re, 'the suggest widget');
  await page.keyboard.press('Enter');
  await page.locator('.editor-widget.suggest-widget.visible').waitFor({ state: 'hidden', timeout: 5000 });
  return { chosen, labels };
}

/** The colours the editor draws the token spans containing `re` in, joined by commas ('' when none). */
function colours(re) {
  return page
    // A line is a span of token spans: only the token spans carry the mask's colour.
    .locator('.monaco-editor .view-line > span > span')
    .filter({ hasText: re })
    .evaluateAll((els) => els.map((e) => getComputedStyle(e).color).join(','));
}
const masked = (s) => /rgba\(0, 0, 0, 0\)|transparent/.test(s);

/**
 * Turns presentation mode on, waits until every span of text matching `re` is drawn
 * transparent (a screenshot `shot` then), turns it off and waits until it shows again.
 */
async function presentationHides(re, shot) {
  const toggle = () => runCommand('Claim: Toggle presentation mode (mask patient data)');
  // The colours are joined by commas, and so are an rgb()'s numbers.
  const each = (all) => all.split(/,(?![^(]*\))/);
  await toggle();
  await until(`every span of ${re} drawn transparent`, async () => {
    const all = await colours(re);
    return { ok: all !== '' && each(all).every(masked), seen: all || '(not found)' };
  }, 10000);
  await screenshot(shot);
  await toggle();
  await until(`${re} visible again`, async () => {
    const all = await colours(re);
    return { ok: all !== '' && !each(all).some(masked), seen: all || '(not found)' };
  }, 10000);
}

/** The 837 text with `composites` added at the end of its HI segment. */
const endHi = (text, composites) => text.replace(/(\nHI\*[^\n]*)~\n/, `$1${composites}~\n`);

/** Text with its line ends made LF (VS Code writes a file of lone CRs back with LF). */
const lf = (text) => text.replace(/\r\n?/g, '\n');

async function main() {
  mkdirSync(outDir, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'claimls-e2e-'));
  const userData = join(tmp, 'user-data');
  const extDir = join(tmp, 'extensions');
  const ws = join(tmp, 'workspace');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(ws, { recursive: true });
  cpSync(join(here, 'fixtures'), ws, { recursive: true });
  const fixturePath = join(ws, FIXTURE);
  const original = readFileSync(fixturePath, 'utf8');
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'workbench.colorTheme': 'Default Light Modern',
        'security.workspace.trust.enabled': false,
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'telemetry.telemetryLevel': 'off',
        'files.autoSave': 'off',
        'editor.hover.delay': 200,
        'editor.minimap.enabled': false,
        'claimls.today': '2026-03-10',
        'claimls.trace.server': process.env.E2E_TRACE || 'messages',
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
  if (inst.status !== 0 || !/successfully installed/.test(inst.stdout || '')) {
    throw new Error(`installing ${VSIX} failed (exit ${inst.status}):\n${inst.stdout}\n${inst.stderr}`);
  }

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
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });

    await check(`${FIXTURE} opens in language mode Claim with the grammar's scopes`, async () => {
      const lang = await openFile(FIXTURE, 'Claim');
      const scopes = await expectScopes(
        [
          ['billing', 'keyword.other.statement.billing.claim'],
          ['E11.9', 'support.constant.code.icd10-cm.claim'],
          ['99213', 'support.constant.code.cpt.claim'],
        ],
        'source.claim',
      );
      return `mode ${lang}; ${scopes}`;
    });

    await check('status bar shows the server and its code-set edition', async () => {
      const item = page.locator('.statusbar-item[id="claimls.claimls.server"], .statusbar-item[id$="claimls.server"]').first();
      return until('the claimls status bar item to show "ICD-10-CM FY…"', async () => {
        const text = (await item.innerText()).trim();
        const cls = (await item.getAttribute('class')) || '';
        return { ok: /ICD-10-CM FY\d{4}/.test(text) && !/error/i.test(cls), value: text, seen: `"${text}" (${cls})` };
      });
    });

    await check(`Problems panel lists exactly ${describe(EXPECTED_PROBLEMS.map(([id, line]) => ({ id, line })))}`, async () => {
      const list = await expectProblems(EXPECTED_PROBLEMS, 'the Problems panel to list the expected diagnostics');
      const nonClaimls = list.filter((p) => p.id === '?');
      if (nonClaimls.length) throw new Error(`problems without a claimls(rule) source: ${nonClaimls.map((p) => p.text).join(' | ')}`);
      return describe(list);
    });

    await check(`hovering E11.9 shows "${E11_9_TITLE}"`, async () => {
      const text = await hoverText('E11.9', (t) => t.includes('E11.9') && t.includes(E11_9_TITLE), `a hover over E11.9 with "${E11_9_TITLE}"`);
      return `"${text.slice(0, 90)}…"`;
    });

    await check('quick fix S72.001 → S72.001A removes the seventh-character diagnostic and edits the text', async () => {
      const chosen = await quickFix('S72.001', /^S72\.001A\b/);
      const rest = EXPECTED_PROBLEMS.filter(([id]) => id !== 'seventh-character');
      await expectProblems(rest, 'seventh-character gone and the other diagnostics kept');
      const fixed = original.replace('\n  dx B  S72.001\n', '\n  dx B  S72.001A\n');
      if (fixed === original) throw new Error(`the fixture has no line "  dx B  S72.001"`);
      await saveAndExpect(fixturePath, fixed, 'the saved file to have "dx B  S72.001A" and no other change');
      return `applied "${chosen}"`;
    });

    await check('typing a partial code (E11.6) offers completions; accepting E11.65 inserts it', async () => {
      await save(); // (whatever the checks before did to it)
      const before = readFileSync(fixturePath, 'utf8');
      // A new line before `end` (line 14), with a partial code typed key by key.
      const endLine = before.split('\n').indexOf('end') + 1;
      await gotoLine(endLine);
      await page.keyboard.press('Enter');
      await page.keyboard.press('ArrowUp');
      await page.keyboard.insertText('  dx D  ');
      await page.keyboard.press('Escape');
      // The suggest widget opens by itself while typing (no Ctrl+Space).
      const { chosen, labels } = await complete('E11.6', /^E11\.65\b/, {
        picture: async () => {
          await screenshot('completions');
          await readmePicture('vscode-claimls.png');
        },
      });
      const notE116 = labels.filter((l) => !/^E11\.6/.test(l));
      if (!/hyperglycemia/i.test(chosen)) throw new Error(`the entry chosen lacks E11.65's title (… with hyperglycemia): "${chosen}"`);
      const expected = before.replace(/\nend\n/, '\n  dx D  E11.65\nend\n');
      await saveAndExpect(fixturePath, expected, 'the saved file to have the new line "  dx D  E11.65"');
      if (notE116.length) return `${labels.length} entries (some not E11.6…: ${notE116.slice(0, 3).join(' | ')})`;
      return `${labels.length} entries, all E11.6…: ${labels.slice(0, 3).join(' | ')} …`;
    });

    await check('presentation mode masks the patient names the server finds, also after a no-break space (display only)', async () => {
      const DOE = /^"?Doe,[\s\u00a0]Jane"?$/;
      const ROE = /^"?Roe,[\s\u00a0]Richard"?$/;
      await runCommand('Claim: Toggle presentation mode (mask patient data)');
      await until('the patient name drawn transparent', async () => {
        const s = await colours(DOE);
        return { ok: masked(s), seen: s || '(name not found)' };
      }, 10000);
      await screenshot('presentation-mode');
      // A patient line written with no-break spaces and tabs (fixtures/nbsp.claim).
      const row = page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: 'nbsp.claim' }).first();
      await row.waitFor({ timeout: 30000 });
      await row.dblclick();
      await until('the no-break-space patient name drawn transparent', async () => {
        const s = await colours(ROE);
        return { ok: masked(s), seen: s || '(name not found)' };
      }, 10000);
      await screenshot('presentation-mode-nbsp');
      await runCommand('Claim: Toggle presentation mode (mask patient data)');
      await until('the patient name visible again', async () => {
        const s = await colours(ROE);
        return { ok: s !== '' && !masked(s), seen: s || '(name not found)' };
      }, 10000);
      const text = readFileSync(fixturePath, 'utf8');
      if (!text.includes('"Doe, Jane"')) throw new Error('the file lost the patient name');
      return 'both names drawn transparent over the mask bar (one after a no-break space), and back';
    });

    // ---- X12 837 and HL7 v2, in a window of their own -------------------------------
    const formats = join(ws, 'formats');
    const x12Path = join(formats, X12_FIXTURE);
    const hl7Path = join(formats, HL7_FIXTURE);
    await page.close();
    page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(formats)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });

    await check(`${X12_FIXTURE} opens in language mode X12 837 with the grammar's scopes`, async () => {
      const lang = await openFile(X12_FIXTURE, 'X12 837');
      const scopes = await expectScopes(
        [
          ['E119', 'support.constant.code.icd10-cm.x12'],
          ['NM1', 'entity.name.tag.segment.x12'],
        ],
        'source.x12',
      );
      return `mode ${lang}; ${scopes}`;
    });

    await check(`837: Problems panel lists exactly ${describe(X12_PROBLEMS.map(([id, line]) => ({ id, line })))}`, async () => {
      return describe(await expectProblems(X12_PROBLEMS, 'the Problems panel to list the 837 diagnostics', X12_FIXTURE));
    });

    await check('837: hovering the segment id SV1 names the segment and its loop 2400', async () => {
      await gotoLine(25);
      const text = await hoverText('SV1', (t) => t.includes('SV1') && t.includes('2400'), 'a hover over SV1 with "SV1" and "2400"');
      return `"${text.slice(0, 90)}…"`;
    });

    await check(`837: hovering the code E119 shows "${E11_9_TITLE}"`, async () => {
      const text = await hoverText('E119', (t) => t.includes(E11_9_TITLE), `a hover over E119 with "${E11_9_TITLE}"`);
      return `"${text.slice(0, 90)}…"`;
    });

    await check('837: the quick fix for SE01 writes 28 and removes the envelope diagnostic', async () => {
      const before = readFileSync(x12Path, 'utf8');
      await gotoLine(30);
      const chosen = await quickFix('27', /SE01/);
      await expectProblems(X12_PROBLEMS.filter(([id]) => id !== 'envelope'), 'envelope gone and the other diagnostics kept', X12_FIXTURE);
      await saveAndExpect(x12Path, before.replace('\nSE*27*0001~\n', '\nSE*28*0001~\n'), 'the saved file to have "SE*28*0001~" and no other change');
      return `applied "${chosen}"`;
    });

    await check('837: completion inside HI (ABF:E116) accepts E1165 without the dot', async () => {
      const before = readFileSync(x12Path, 'utf8');
      // At the end of the HI segment, before its terminator.
      await gotoLine(22);
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowLeft');
      const { chosen } = await complete('*ABF:E116', /E11\.?65\b/, {
        invoke: true,
        picture: async () => {
          await screenshot('837-completions');
          await readmePicture('vscode-claimls-837.png');
        },
      });
      await saveAndExpect(x12Path, endHi(before, '*ABF:E1165'), 'the saved HI to end "*ABF:E1165~"');
      return `accepted "${chosen}"`;
    });

    await check('837: the status bar shows the server; "Claim: Look up a code" inserts E1165 without the dot', async () => {
      const item = page.locator('.statusbar-item[id="claimls.claimls.server"], .statusbar-item[id$="claimls.server"]').first();
      const status = await until('the claimls status bar item in an 837', async () => {
        const text = (await item.innerText()).trim();
        return { ok: /ICD-10-CM FY\d{4}/.test(text), value: text, seen: `"${text}"` };
      });
      await save();
      const before = readFileSync(x12Path, 'utf8');
      await gotoLine(22);
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.insertText('*ABF:');
      await runCommand('Claim: Look up a code');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill('E11.65');
      const rows = '.quick-input-list .monaco-list-row';
      // (The row reads "E11.65Type 2 …": label and description without a space.)
      await focusRow(rows, /^E11\.65(?!\d)/, 'the look-up list');
      await page.keyboard.press('Enter');
      await saveAndExpect(x12Path, endHi(before, '*ABF:E1165'), 'the saved HI to end "*ABF:E1165~"');
      return `status "${status}"; inserted E1165`;
    });

    await check('837: "Claim: Join the segments into one line" joins them; Format Document puts one a line again', async () => {
      await save();
      const before = readFileSync(x12Path, 'utf8');
      const segments = lf(before).trimEnd().split('\n').length;
      await runCommand('Claim: Join the segments into one line (X12)');
      await untilDirty('the join applied to the editor');
      await save();
      await until('the saved 837 on one line', async () => {
        const lines = lf(readFileSync(x12Path, 'utf8')).trimEnd().split('\n');
        return { ok: lines.length === 1 && lines[0].split('~').length - 1 === segments, seen: `${lines.length} lines` };
      });
      await screenshot('837-one-line');
      // Format Document (Ctrl+Shift+I on Linux): the server's formatting.
      await page.keyboard.press('Control+Shift+I');
      await untilDirty('the formatting applied to the editor');
      await save();
      await until('the saved 837 back to one segment a line, as before', async () => {
        const text = lf(readFileSync(x12Path, 'utf8'));
        return { ok: text.trimEnd() === lf(before).trimEnd(), seen: diffLines(lf(before).trimEnd(), text.trimEnd()) };
      });
      return `${segments} segments joined and split again, byte for byte`;
    });

    await check("837: presentation mode hides the subscriber's name (NM1*IL) on screen only", async () => {
      await gotoLine(16);
      await presentationHides(/ALVAREZ/, '837-presentation-mode');
      if (!readFileSync(x12Path, 'utf8').includes('NM1*IL*1*ALVAREZ*MARIA')) throw new Error('the file lost the name');
      return 'NM1*IL name drawn transparent over the mask bar, and back';
    });

    await check(`${HL7_FIXTURE} opens in language mode HL7 v2; the Problems panel lists exactly coding-system@5`, async () => {
      const lang = await openFile(HL7_FIXTURE, 'HL7 v2');
      const list = await expectProblems(HL7_PROBLEMS, 'the Problems panel to list the HL7 diagnostic', HL7_FIXTURE);
      return `mode ${lang}; ${describe(list)}`;
    });

    await check(`HL7: hovering E11.9 in DG1-3 shows "${E11_9_TITLE}"`, async () => {
      const text = await hoverText('E11.9', (t) => t.includes(E11_9_TITLE), `a hover over E11.9 with "${E11_9_TITLE}"`);
      return `"${text.slice(0, 90)}…"`;
    });

    await check('HL7: hovering in OBR-4 names the field OBR-4', async () => {
      const text = await hoverText('A1c', (t) => t.includes('OBR-4'), 'a hover in OBR-4 with "OBR-4"');
      return `"${text.slice(0, 90)}…"`;
    });

    await check("HL7: presentation mode hides the patient's name (PID-5) on screen only", async () => {
      await presentationHides(/Alvarez/, 'hl7-presentation-mode');
      return 'PID-5 drawn transparent over the mask bar, and back';
    });

    await check('HL7: completion in DG1-3 (E11.6) accepts E11.65', async () => {
      const before = lf(readFileSync(hl7Path, 'utf8'));
      // The file ends with a segment terminator: its last line is empty.
      await page.keyboard.press('Control+End');
      await page.keyboard.insertText('DG1|2||');
      const { chosen } = await complete('E11.6', /^E11\.65\b/, { invoke: true, picture: () => screenshot('hl7-completions') });
      await save();
      const want = `${before.replace(/\n$/, '')}\nDG1|2||E11.65`;
      await until('the saved file to end with "DG1|2||E11.65"', async () => {
        const text = lf(readFileSync(hl7Path, 'utf8')).replace(/\n$/, '');
        return { ok: text === want, seen: diffLines(want, text) };
      });
      return `accepted "${chosen}"`;
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
