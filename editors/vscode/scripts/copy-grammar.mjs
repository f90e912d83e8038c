// Copies the TextMate grammars that package.json contributes (claim, x12, hl7) from
// ../../grammar into syntaxes/ so that the extension folder (and the .vsix built from it)
// is self-contained.
import { copyFileSync, mkdirSync, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basename, dirname, join } from 'node:path';

const ext = join(dirname(fileURLToPath(import.meta.url)), '..');
const { contributes } = JSON.parse(readFileSync(join(ext, 'package.json'), 'utf8'));
mkdirSync(join(ext, 'syntaxes'), { recursive: true });
for (const { path } of contributes.grammars) {
  const src = join(ext, '..', '..', 'grammar', basename(path));
  const dst = join(ext, path);
  if (!existsSync(src)) {
    console.error(`copy-grammar: ${src} not found (run from a full claimls checkout)`);
    process.exit(1);
  }
  copyFileSync(src, dst);
  console.log(`copy-grammar: ${src} -> ${dst}`);
}
