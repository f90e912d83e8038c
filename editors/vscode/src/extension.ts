import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { maskRanges, PHI_RANGES } from './mask';
import { isClaimlsLanguage, LANGUAGE_IDS, X12_JOIN_LINES_KIND } from './languages';
import { findServer } from './serverPath';
import { serverSettings, ServerSettings } from './settings';
import { editionLabel, editionTooltip } from './status';
import { codeAsWritten, codePrefixAt, CodeHit, CodePick, hitToPick, SEARCH_CODES } from './symbols';

const SECTION = 'claimls';
/** Settings that change what the server computes (sent via didChangeConfiguration). */
const SERVER_KEYS = ['rules', 'codeFiles', 'today', 'inlayHints'];

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let statusItem: vscode.StatusBarItem;
let extensionPath = '';
let starting: Promise<void> | undefined;
let masker: Masker | undefined;

function workspaceFolderPath(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder && folder.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
}

function currentSettings(): ServerSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  return serverSettings((key) => cfg.get(key), workspaceFolderPath());
}

// ---- status bar -----------------------------------------------------------

function setStatus(kind: 'starting' | 'running' | 'error', text: string, tooltip: string): void {
  const icon = kind === 'starting' ? '$(sync~spin)' : kind === 'running' ? '$(book)' : '$(error)';
  statusItem.text = `${icon} ${text}`;
  statusItem.tooltip = tooltip;
  statusItem.backgroundColor = kind === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  updateStatusVisibility();
}

function updateStatusVisibility(): void {
  const editor = vscode.window.activeTextEditor;
  if (editor && isClaimlsLanguage(editor.document.languageId)) statusItem.show();
  else statusItem.hide();
}

// ---- language client -------------------------------------------------------

/** A .vsix unpacked without file modes leaves the bundled server non-executable: fix that. */
function ensureBundledExecutable(): void {
  if (process.platform === 'win32') return;
  const bundled = path.join(extensionPath, 'server', 'claimls');
  try {
    const st = fs.statSync(bundled);
    if ((st.mode & 0o111) === 0) fs.chmodSync(bundled, st.mode | 0o755);
  } catch {
    // not bundled
  }
}

async function startClient(): Promise<void> {
  ensureBundledExecutable();
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const configured = cfg.get<string>('server.path');
  const found = findServer({
    configured: configured ? resolveVariables(configured) : undefined,
    extensionPath,
    platform: process.platform,
    pathEnv: process.env.PATH,
    pathExt: process.env.PATHEXT,
  });
  if (!found.ok) {
    output.appendLine(found.reason);
    setStatus('error', 'claimls', found.reason);
    void vscode.window.showErrorMessage(found.reason, 'Open Settings', 'Show Output').then((choice) => {
      if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'claimls.server.path');
      else if (choice === 'Show Output') output.show(true);
    });
    return;
  }

  const { path: command, source } = found.location;
  output.appendLine(`Starting ${command} serve (found via ${source})`);
  setStatus('starting', 'claimls', `Starting ${command}`);

  // No `transport`: with TransportKind.stdio the client appends `--stdio`, which
  // `claimls serve` rejects; without it the client still speaks over stdin/stdout.
  const executable = { command, args: ['serve'], options: { cwd: workspaceFolderPath() } };
  const serverOptions: ServerOptions = { run: executable, debug: executable };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGE_IDS.map((language) => ({ language })),
    initializationOptions: currentSettings(),
    outputChannel: output,
    traceOutputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    middleware: {
      workspace: {
        // Answer workspace/configuration for `claimls` with the same shape as
        // initializationOptions (resolved paths, validated values).
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) return result;
          return result.map((value, i) => (params.items[i]?.section === SECTION ? currentSettings() : value));
        },
      },
    },
  };

  const c = new LanguageClient(SECTION, 'Claim language server', serverOptions, clientOptions);
  client = c;
  c.onDidChangeState((e) => {
    if (client !== c) return;
    if (e.newState === State.Stopped) setStatus('error', 'claimls', 'The claimls server stopped. Click for its output; run "Claim: Restart language server" to start it again.');
    else if (e.newState === State.Starting) setStatus('starting', 'claimls', `Starting ${command}`);
  });
  try {
    await c.start();
    // Presentation mode asks the server what to mask: now it can answer.
    masker?.refresh();
  } catch (err) {
    const msg = `The claimls server (${command}) failed to start: ${err instanceof Error ? err.message : String(err)}`;
    output.appendLine(msg);
    setStatus('error', 'claimls', msg);
    void vscode.window.showErrorMessage(msg, 'Show Output', 'Open Settings').then((choice) => {
      if (choice === 'Show Output') output.show(true);
      else if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'claimls.server.path');
    });
    return;
  }
  const info = c.initializeResult?.serverInfo;
  output.appendLine(`Server ready: ${info?.name ?? 'claimls'} ${info?.version ?? ''}`);
  setStatus('running', editionLabel(info?.version), editionTooltip(info?.name, info?.version) + '\nClick to show the server output.');
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (!c) return;
  try {
    if (c.isRunning()) await c.stop(2000);
  } catch (err) {
    output.appendLine(`Stopping the server: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    await c.dispose();
  } catch {
    // already stopped
  }
}

function restart(): Promise<void> {
  const run = async () => {
    await stopClient();
    await startClient();
  };
  starting = (starting ?? Promise.resolve()).then(run, run);
  return starting;
}

function resolveVariables(p: string): string {
  const home = process.env.HOME ?? process.env.USERPROFILE ?? '';
  let out = p.replace(/\$\{userHome\}/g, home);
  const ws = workspaceFolderPath();
  if (ws) out = out.replace(/\$\{workspaceFolder\}/g, ws);
  if (out === '~' || out.startsWith('~/')) out = home + out.slice(1);
  return out;
}

// ---- Claim: Look up a code ---------------------------------------------------

interface CodePickItem extends vscode.QuickPickItem {
  pick: CodePick;
}

async function lookupCode(): Promise<void> {
  const c = client;
  if (!c || !c.isRunning()) {
    const choice = await vscode.window.showWarningMessage('The claimls server is not running, so codes cannot be looked up.', 'Restart Server', 'Show Output');
    if (choice === 'Restart Server') await restart();
    else if (choice === 'Show Output') output.show(true);
    return;
  }
  const editor = vscode.window.activeTextEditor;
  // Prefill with the selection, or the partial code under the cursor (which the choice replaces).
  let replaceRange: vscode.Range | undefined;
  let initial = '';
  if (editor) {
    const sel = editor.selection;
    if (!sel.isEmpty && sel.isSingleLine) {
      initial = editor.document.getText(sel).trim();
      replaceRange = sel;
    } else if (sel.isEmpty) {
      const line = editor.document.lineAt(sel.active.line).text;
      const word = codePrefixAt(line, sel.active.character);
      if (word) {
        initial = word.text;
        replaceRange = new vscode.Range(sel.active.line, word.start, sel.active.line, word.end);
      }
    }
  }

  const qp = vscode.window.createQuickPick<CodePickItem>();
  qp.title = 'Claim: Look up a code';
  qp.placeholder = 'Type a code (E11.9, 9921, J18) or words of its title (type 2 diabetes)';
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  let cts: vscode.CancellationTokenSource | undefined;

  const query = (value: string) => {
    const my = ++seq;
    cts?.cancel();
    if (value.trim() === '') {
      qp.items = [];
      qp.busy = false;
      return;
    }
    cts = new vscode.CancellationTokenSource();
    qp.busy = true;
    c.sendRequest<CodeHit[]>(SEARCH_CODES, { query: value.trim(), limit: 50 }, cts.token).then(
      (hits) => {
        if (my !== seq) return;
        qp.items = (Array.isArray(hits) ? hits : []).map((hit) => {
          const pick = hitToPick(hit);
          // The server already filtered (by code prefix or title words): show all it returned.
          return { label: pick.label, description: pick.description, detail: pick.detail, alwaysShow: true, pick };
        });
        qp.busy = false;
      },
      (err) => {
        if (my !== seq) return;
        qp.busy = false;
        output.appendLine(`${SEARCH_CODES} failed: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  };

  qp.onDidChangeValue((value) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => query(value), 120);
  });
  qp.onDidAccept(async () => {
    const item = qp.selectedItems[0] ?? qp.activeItems[0];
    qp.hide();
    if (!item) return;
    const code = codeAsWritten(item.pick.code, editor?.document.languageId);
    if (editor && !editor.document.isClosed) {
      await editor.edit((b) => {
        if (replaceRange) b.replace(replaceRange, code);
        else for (const sel of editor.selections) b.replace(sel, code);
      });
      await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    } else {
      await vscode.env.clipboard.writeText(code);
      void vscode.window.showInformationMessage(`Copied ${code} to the clipboard.`);
    }
  });
  qp.onDidHide(() => {
    if (timer) clearTimeout(timer);
    cts?.cancel();
    qp.dispose();
  });
  qp.show();
  if (initial) {
    qp.value = initial;
    query(initial);
  }
}

// ---- presentation mode -------------------------------------------------------

class Masker implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    // The real text is drawn in a transparent colour over a solid bar; the
    // document itself is never modified.
    color: 'transparent',
    backgroundColor: new vscode.ThemeColor('claimls.presentationMask'),
    borderRadius: '2px',
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly item = vscode.window.createStatusBarItem('claimls.presentation', vscode.StatusBarAlignment.Right, 99);
  private readonly disposables: vscode.Disposable[] = [];
  private pending = new Map<string, NodeJS.Timeout>();

  constructor() {
    this.item.name = 'Claim presentation mode';
    this.item.text = '$(eye-closed) Presenting';
    this.item.tooltip = 'Patient names, dates of birth and member ids are masked. Click to turn presentation mode off.';
    this.item.command = 'claimls.togglePresentationMode';
    this.disposables.push(
      vscode.window.onDidChangeVisibleTextEditors(() => this.refresh()),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidOpenTextDocument(() => this.refresh()),
    );
    this.refresh();
  }

  get enabled(): boolean {
    return vscode.workspace.getConfiguration(SECTION).get<boolean>('presentationMode', false);
  }

  refresh(): void {
    const on = this.enabled;
    if (on) this.item.show();
    else this.item.hide();
    for (const editor of vscode.window.visibleTextEditors) this.apply(editor, on);
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isClaimlsLanguage(doc.languageId) || !this.enabled) return;
    const key = doc.uri.toString();
    // The masks already shown grow with text typed inside them (no flash of a name while
    // typing); the server's answer for the new text follows shortly.
    const t = this.pending.get(key);
    if (t) clearTimeout(t);
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        for (const editor of vscode.window.visibleTextEditors) if (editor.document === doc) this.apply(editor, this.enabled);
      }, 50),
    );
  }

  /**
   * Masks what the server's `claimls/phiRanges` answers for the document. Until it answers
   * (and while it cannot: the server is not running), the previous ranges stay, growing with
   * the text typed inside them (ClosedClosed); a stale answer (the document changed since the
   * request) is dropped, the next one follows.
   */
  private apply(editor: vscode.TextEditor, on: boolean): void {
    if (!on || !isClaimlsLanguage(editor.document.languageId)) {
      editor.setDecorations(this.decoration, []);
      return;
    }
    const doc = editor.document;
    const c = client;
    if (!c || !c.isRunning()) {
      void vscode.window.setStatusBarMessage('Presentation mode: the claimls server is not running, so patient data cannot be found to mask', 5000);
      return;
    }
    const version = doc.version;
    c.sendRequest(PHI_RANGES, { textDocument: { uri: c.code2ProtocolConverter.asUri(doc.uri) } }).then(
      (answer) => {
        if (doc.version !== version || !this.enabled) return;
        const ranges = maskRanges(answer).map((r) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character));
        for (const shown of vscode.window.visibleTextEditors) if (shown.document === doc) shown.setDecorations(this.decoration, ranges);
      },
      (err) => output.appendLine(`${PHI_RANGES} failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  dispose(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
    this.decoration.dispose();
    this.item.dispose();
  }
}

async function togglePresentationMode(): Promise<void> {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const info = cfg.inspect<boolean>('presentationMode');
  const target = info?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const next = !cfg.get<boolean>('presentationMode', false);
  await cfg.update('presentationMode', next, target);
  void vscode.window.setStatusBarMessage(next ? 'Presentation mode on: patient data masked' : 'Presentation mode off', 3000);
}

// ---- activation --------------------------------------------------------------

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel('claimls');
  statusItem = vscode.window.createStatusBarItem('claimls.server', vscode.StatusBarAlignment.Right, 100);
  statusItem.name = 'claimls server';
  statusItem.command = 'claimls.showOutput';
  const presentation = new Masker();
  masker = presentation;

  context.subscriptions.push(
    output,
    statusItem,
    presentation,
    vscode.commands.registerCommand('claimls.lookupCode', lookupCode),
    vscode.commands.registerCommand('claimls.restartServer', () => restart()),
    vscode.commands.registerCommand('claimls.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('claimls.togglePresentationMode', togglePresentationMode),
    // The server's source action (no command round trip): VS Code asks for it and applies it.
    vscode.commands.registerCommand('claimls.joinLines', () =>
      vscode.commands.executeCommand('editor.action.sourceAction', { kind: X12_JOIN_LINES_KIND, apply: 'first' }),
    ),
    vscode.window.onDidChangeActiveTextEditor(updateStatusVisibility),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('claimls.presentationMode')) masker?.refresh();
      if (e.affectsConfiguration('claimls.server.path')) {
        void restart();
        return;
      }
      if (SERVER_KEYS.some((k) => e.affectsConfiguration(`${SECTION}.${k}`)) && client?.isRunning()) {
        void client.sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: currentSettings() } });
      }
    }),
  );

  void restart();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
