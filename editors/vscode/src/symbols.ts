// Turns `claimls/searchCodes` answers (code look-up) into quick-pick entries.

/** One code of a `claimls/searchCodes` answer (docs/claim-format.md, "Custom LSP requests"). */
export interface CodeHit {
  code: string;
  system: string;
  title: string;
  billable: boolean;
}

/** The request the look-up sends: `{ query, limit? }` → `CodeHit[]`. */
export const SEARCH_CODES = 'claimls/searchCodes';

export interface CodePick {
  label: string;
  description?: string;
  detail?: string;
  /** The text to insert: the code itself. */
  code: string;
}

export function hitToPick(hit: CodeHit): CodePick {
  const system = hit.billable ? hit.system : `${hit.system} (not billable)`;
  return { label: hit.code, description: hit.title || undefined, detail: system, code: hit.code };
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

/**
 * A code as a document of `languageId` writes it: X12 sends codes without the dot
 * (`E1165`); the claim language and HL7 keep it (`E11.65`).
 */
export function codeAsWritten(code: string, languageId: string | undefined): string {
  return languageId === 'x12' ? code.replace(/\./g, '') : code;
}
