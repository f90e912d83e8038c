// Presentation mode: find the patient-identifying text in a claim document.
// Pure (no vscode import) so it can be unit-tested with node:test.
//
// Masked:
//   - the patient name: the text after `patient` up to `dob`/`sex`/`member`,
//     a comment or the end of the line, quoted or bare;
//   - the value after `dob` and after `member` on a patient line;
//   - further exact occurrences of a masked name inside comments
//     (e.g. "# follow-up for Doe, Jane").
// The document text itself is never changed; the caller turns the ranges into
// editor decorations.

export type MaskKind = 'name' | 'dob' | 'member';

export interface MaskRange {
  /** UTF-16 offset into the text, inclusive. */
  start: number;
  /** UTF-16 offset into the text, exclusive. */
  end: number;
  kind: MaskKind;
}

const PATIENT_OPTIONS = new Set(['dob', 'sex', 'member']);

interface Token {
  text: string;
  start: number;
  end: number;
  quoted: boolean;
}

/** Splits one line (without its line end) into tokens, stopping at a `#` outside quotes. */
function tokenize(line: string): { tokens: Token[]; commentStart: number } {
  const tokens: Token[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') return { tokens, commentStart: i };
    if (c === '"') {
      const close = line.indexOf('"', i + 1);
      const end = close === -1 ? n : close + 1;
      tokens.push({ text: line.slice(i, end), start: i, end, quoted: true });
      i = end;
      continue;
    }
    const start = i;
    while (i < n && !' \t\r#"'.includes(line[i])) i++;
    tokens.push({ text: line.slice(start, i), start, end: i, quoted: false });
  }
  return { tokens, commentStart: -1 };
}

/** Returns the ranges to mask, sorted by start offset, never overlapping. */
export function findMaskRanges(text: string): MaskRange[] {
  const ranges: MaskRange[] = [];
  const names = new Set<string>();
  const comments: Array<{ start: number; end: number }> = [];

  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    const { tokens, commentStart } = tokenize(line);
    if (commentStart !== -1) {
      comments.push({ start: lineStart + commentStart, end: lineStart + line.replace(/\r$/, '').length });
    }

    if (tokens.length > 0 && !tokens[0].quoted && tokens[0].text.toLowerCase() === 'patient') {
      let i = 1;
      // The name: one quoted string, or bare words up to an option keyword.
      const nameTokens: Token[] = [];
      while (i < tokens.length && !(!tokens[i].quoted && PATIENT_OPTIONS.has(tokens[i].text.toLowerCase()))) {
        nameTokens.push(tokens[i]);
        i++;
        if (nameTokens[0].quoted) break;
      }
      if (nameTokens.length > 0) {
        const first = nameTokens[0];
        const last = nameTokens[nameTokens.length - 1];
        ranges.push({ start: lineStart + first.start, end: lineStart + last.end, kind: 'name' });
        let name = line.slice(first.start, last.end);
        if (first.quoted) name = name.replace(/^"/, '').replace(/"$/, '');
        name = name.trim();
        if (name.length >= 3) names.add(name);
      }
      // Options: dob <date>, member <id> (anywhere after the name).
      for (; i < tokens.length; i++) {
        const t = tokens[i];
        if (t.quoted) continue;
        const kw = t.text.toLowerCase();
        if ((kw === 'dob' || kw === 'member') && i + 1 < tokens.length) {
          const v = tokens[i + 1];
          const isKeyword = !v.quoted && PATIENT_OPTIONS.has(v.text.toLowerCase());
          if (!isKeyword) {
            ranges.push({ start: lineStart + v.start, end: lineStart + v.end, kind: kw as MaskKind });
            i++;
          }
        }
      }
    }
    lineStart = lineEnd + 1;
  }

  // Mentions of a patient's name in comments.
  if (names.size > 0) {
    const sorted = [...names].sort((a, b) => b.length - a.length);
    for (const c of comments) {
      const body = text.slice(c.start, c.end).toLowerCase();
      for (const name of sorted) {
        const needle = name.toLowerCase();
        let from = 0;
        for (;;) {
          const at = body.indexOf(needle, from);
          if (at === -1) break;
          ranges.push({ start: c.start + at, end: c.start + at + needle.length, kind: 'name' });
          from = at + needle.length;
        }
      }
    }
  }

  ranges.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: MaskRange[] = [];
  for (const r of ranges) {
    const prev = merged[merged.length - 1];
    if (prev && r.start < prev.end) {
      prev.end = Math.max(prev.end, r.end);
      continue;
    }
    merged.push({ ...r });
  }
  return merged;
}
