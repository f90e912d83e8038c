// The languages the extension attaches the server to: the claim language, X12 837 and
// HL7 v2 (docs/claim-format.md §5–7). One list for the document selector, the status bar
// and presentation mode; package.json's `contributes.languages` and `activationEvents` must
// agree with it (test/languages.test.ts checks that).
// Pure (no vscode import) so it can be unit-tested with node:test.

export const LANGUAGE_IDS: readonly string[] = ['claim', 'x12', 'hl7'];

/** True for a document the server checks. */
export function isClaimlsLanguage(languageId: string): boolean {
  return LANGUAGE_IDS.includes(languageId);
}

/**
 * The server's source action that puts every segment of an 837 on one line (its formatting
 * puts one segment a line): what **Claim: Join the segments into one line** applies.
 */
export const X12_JOIN_LINES_KIND = 'source.claimls.x12.joinLines';
