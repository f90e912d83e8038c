// Copies the TextMate grammar from ../../grammar into syntaxes/ so that the
// extension folder (and the .vsix built from it) is self-contained.
import { copyFileSync, mkdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const ext = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(ext, '..', '..', 'grammar', 'claim.tmLanguage.json');
const dst = join(ext, 'syntaxes', 'claim.tmLanguage.json');
if (!existsSync(src)) {
  console.error(`copy-grammar: ${src} not found (run from a full claimls checkout)`);
  process.exit(1);
}
mkdirSync(dirname(dst), { recursive: true });
copyFileSync(src, dst);
console.log(`copy-grammar: ${src} -> ${dst}`);
