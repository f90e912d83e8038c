// Turns the extension's `claimls.*` settings into the object the server reads
// (initializationOptions, and `settings.claimls` in didChangeConfiguration).
// Every value is passed through as the user wrote it: the server checks them and reports a
// bad one (by its key) instead of the extension dropping it without a word. Only paths are
// expanded (`~`, `${workspaceFolder}`, relative to the workspace), as the server cannot know
// the editor's workspace variables.
// Pure: the caller passes a getter, so this is unit-tested without VS Code.
import * as os from 'node:os';
import * as path from 'node:path';

export interface ServerSettings {
  rules?: unknown;
  codeFiles?: unknown;
  today?: unknown;
  inlayHints?: { codeTitles?: unknown };
}

/** Reads a setting below `claimls.`; returns undefined when unset. */
export type SettingGetter = (key: string) => unknown;

export function expandPath(p: string, workspaceFolder: string | undefined): string {
  let out = p.trim();
  if (workspaceFolder) out = out.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  out = out.replace(/\$\{userHome\}/g, os.homedir());
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) out = path.join(os.homedir(), out.slice(1));
  if (!path.isAbsolute(out) && workspaceFolder) out = path.join(workspaceFolder, out);
  return out;
}

export function serverSettings(get: SettingGetter, workspaceFolder?: string): ServerSettings {
  const settings: ServerSettings = {};
  const rules = get('rules');
  if (rules !== undefined) settings.rules = rules;
  const codeFiles = get('codeFiles');
  if (codeFiles !== undefined) {
    // Paths are expanded; an empty entry is no file; anything else goes to the server as is.
    settings.codeFiles = Array.isArray(codeFiles)
      ? codeFiles
          .filter((f) => !(typeof f === 'string' && f.trim() === ''))
          .map((f) => (typeof f === 'string' ? expandPath(f, workspaceFolder) : f))
      : codeFiles;
  }
  const today = get('today');
  // VS Code's default for an unset string setting is "": that means "not set".
  if (today !== undefined && today !== '') settings.today = typeof today === 'string' ? today.trim() : today;
  const codeTitles = get('inlayHints.codeTitles');
  if (codeTitles !== undefined) settings.inlayHints = { codeTitles };
  return settings;
}
