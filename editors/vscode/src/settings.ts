// Turns the extension's `claimls.*` settings into the object the server reads
// (initializationOptions, and `settings.claimls` in didChangeConfiguration).
// Pure: the caller passes a getter, so this is unit-tested without VS Code.
import * as os from 'node:os';
import * as path from 'node:path';

export type Severity = 'error' | 'warning' | 'info' | 'hint' | 'off';

export interface ServerSettings {
  rules: Record<string, Severity>;
  codeFiles: string[];
  today?: string;
  inlayHints: { codeTitles: boolean };
}

const SEVERITIES = new Set<string>(['error', 'warning', 'info', 'hint', 'off']);

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
  const rules: Record<string, Severity> = {};
  const rawRules = get('rules');
  if (rawRules && typeof rawRules === 'object') {
    for (const [id, sev] of Object.entries(rawRules as Record<string, unknown>)) {
      if (typeof sev === 'string' && SEVERITIES.has(sev.toLowerCase())) rules[id] = sev.toLowerCase() as Severity;
    }
  }
  const rawFiles = get('codeFiles');
  const codeFiles = Array.isArray(rawFiles)
    ? rawFiles.filter((f): f is string => typeof f === 'string' && f.trim() !== '').map((f) => expandPath(f, workspaceFolder))
    : [];
  const rawToday = get('today');
  const today = typeof rawToday === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(rawToday.trim()) ? rawToday.trim() : undefined;
  const codeTitles = get('inlayHints.codeTitles');
  const settings: ServerSettings = { rules, codeFiles, inlayHints: { codeTitles: codeTitles !== false } };
  if (today) settings.today = today;
  return settings;
}
