// Presentation mode: which text to mask. The server decides (the `claimls/phiRanges`
// request answers the ranges of patient names, dates of birth and member ids as its own
// parser reads the document), so a patient line written with a no-break space or tabs is
// masked like any other; the extension only turns the ranges into decorations.
// Pure (no vscode import) so it can be unit-tested with node:test.

/** An LSP position: 0-based line and UTF-16 character (what VS Code counts too). */
export interface Position {
  line: number;
  character: number;
}

/** An LSP range, as `claimls/phiRanges` answers it. */
export interface Range {
  start: Position;
  end: Position;
}

/** The request that answers the ranges to mask (see docs/claim-format.md). */
export const PHI_RANGES = 'claimls/phiRanges';

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/**
 * The server's answer, checked: only well-formed ranges (anything else in the answer is
 * dropped rather than trusted), sorted, overlapping ones merged.
 */
export function maskRanges(answer: unknown): Range[] {
  if (!Array.isArray(answer)) return [];
  const isPosition = (p: unknown): p is Position =>
    typeof p === 'object' &&
    p !== null &&
    Number.isInteger((p as Position).line) &&
    Number.isInteger((p as Position).character) &&
    (p as Position).line >= 0 &&
    (p as Position).character >= 0;
  const ranges = answer
    .filter((r): r is Range => typeof r === 'object' && r !== null && isPosition(r.start) && isPosition(r.end))
    .map((r) => ({ start: { ...r.start }, end: { ...r.end } }))
    .filter((r) => !before(r.end, r.start));
  ranges.sort((a, b) => (before(a.start, b.start) ? -1 : before(b.start, a.start) ? 1 : 0));
  const merged: Range[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && before(r.start, last.end)) {
      if (before(last.end, r.end)) last.end = r.end;
      continue;
    }
    merged.push(r);
  }
  return merged;
}
