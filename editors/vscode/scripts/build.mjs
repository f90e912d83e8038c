// Bundles src/extension.ts (and vscode-languageclient) into dist/extension.js.
//   node scripts/build.mjs           one-off build
//   node scripts/build.mjs --watch   rebuild on change (with source maps)
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const ext = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const options = {
  absWorkingDir: ext,
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
  sourcemap: watch ? 'linked' : false,
  minify: !watch,
  keepNames: true,
  logLevel: 'info',
};
if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
