// Copies the claimls server binary for this platform into server/ so that
// `vsce package` puts it in the .vsix.
//
// By default it runs `cargo build --release -p claimls` at the repository root
// (a no-op when up to date) and copies target/release/claimls (under
// $CARGO_TARGET_DIR when that is set). Set
// CLAIMLS_SERVER_BIN=/path/to/claimls to package a binary built elsewhere
// (e.g. a cross-compiled one) without running cargo.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const ext = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(ext, '..', '..');
const exe = process.platform === 'win32' ? 'claimls.exe' : 'claimls';

function fail(msg) {
  console.error(`\nbundle-server: ERROR: ${msg}\n`);
  process.exit(1);
}

let bin = process.env.CLAIMLS_SERVER_BIN;
if (bin) {
  bin = resolve(bin);
  if (!existsSync(bin)) fail(`CLAIMLS_SERVER_BIN=${bin} does not exist`);
} else {
  // Where cargo puts it: CARGO_TARGET_DIR (relative to the repository root) or target/.
  const targetDir = process.env.CARGO_TARGET_DIR ? resolve(root, process.env.CARGO_TARGET_DIR) : join(root, 'target');
  bin = join(targetDir, 'release', exe);
  console.log(`bundle-server: cargo build --release -p claimls (in ${root})`);
  const r = spawnSync('cargo', ['build', '--release', '-p', 'claimls'], { cwd: root, stdio: 'inherit' });
  if (r.error) {
    fail(`could not run cargo (${r.error.message}). Install Rust (https://rustup.rs) or set CLAIMLS_SERVER_BIN to a prebuilt claimls binary.`);
  }
  if (r.status !== 0) {
    fail(`\`cargo build --release -p claimls\` failed (exit ${r.status}); the .vsix would have no language server. Fix the build, or set CLAIMLS_SERVER_BIN to a prebuilt claimls binary.`);
  }
  if (!existsSync(bin)) fail(`cargo succeeded but ${bin} is missing`);
}

const outDir = join(ext, 'server');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const dst = join(outDir, exe);
copyFileSync(bin, dst);
chmodSync(dst, 0o755);
const { size } = statSync(dst);
console.log(`bundle-server: ${bin} -> ${dst} (${(size / 1e6).toFixed(1)} MB)`);
