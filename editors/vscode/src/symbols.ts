// Turns workspace/symbol results (code look-up) into quick-pick entries.

export interface SymbolLike {
  name: string;
  containerName?: string;
  detail?: string;
}

export interface CodePick {
  label: string;
  description?: string;
  detail?: string;
  /** The text to insert: the code itself. */
  code: string;
}

const CODE_AT_START = /^([A-Za-z0-9][A-Za-z0-9.]*)(?:\s+[-–—:]?\s*(.*))?$/s;

export function symbolToPick(sym: SymbolLike): CodePick {
  const name = sym.name.trim();
  const m = CODE_AT_START.exec(name);
  const code = m ? m[1] : name.split(/\s+/)[0];
  const titleInName = m && m[2] ? m[2].trim() : '';
  const description = titleInName || sym.detail || sym.containerName || undefined;
  const detail = titleInName && (sym.detail || sym.containerName) ? sym.detail || sym.containerName : undefined;
  return { label: code, description, detail, code };
}

/** The code-like word ending at `col` in `line` (to prefill the look-up and be replaced). */
export function codePrefixAt(line: string, col: number): { start: number; end: number; text: string } | undefined {
  let start = col;
  while (start > 0 && /[A-Za-z0-9.]/.test(line[start - 1])) start--;
  let end = col;
  while (end < line.length && /[A-Za-z0-9.]/.test(line[end])) end++;
  if (start === end) return undefined;
  const text = line.slice(start, end);
  if (!/^[A-Za-z0-9]/.test(text) || !/\d/.test(text)) return undefined;
  return { start, end, text };
}
