// Status bar text from the server's `serverInfo` (initialize result).

/** `0.1.0 (ICD-10-CM FY2026, HCPCS 2026Q1)` -> `ICD-10-CM FY2026, HCPCS 2026Q1` (truncated). */
export function editionLabel(version: string | undefined, max = 36): string {
  const v = (version ?? '').trim();
  if (v === '') return 'claimls';
  let label = v;
  const open = v.indexOf('(');
  if (open !== -1) {
    const close = v.lastIndexOf(')');
    const inner = v.slice(open + 1, close > open ? close : undefined).trim();
    if (inner !== '') label = inner;
  }
  if (label.length > max) label = label.slice(0, max - 1).trimEnd() + '…';
  return label;
}

export function editionTooltip(name: string | undefined, version: string | undefined): string {
  return `${name ?? 'claimls'} ${version ?? ''}`.trim();
}
