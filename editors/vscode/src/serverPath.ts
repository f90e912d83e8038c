// Where the claimls binary comes from: the `claimls.server.path` setting, else
// the binary bundled in the extension (server/claimls[.exe]), else `claimls` on PATH.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ServerLocation {
  path: string;
  source: 'setting' | 'bundled' | 'PATH';
}

export type Discovery =
  | { ok: true; location: ServerLocation }
  | { ok: false; reason: string };

export interface DiscoveryEnv {
  configured: string | undefined;
  extensionPath: string;
  platform: NodeJS.Platform;
  pathEnv: string | undefined;
  pathExt?: string | undefined;
  isExecutable?: (p: string) => boolean;
}

export function defaultIsExecutable(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    if (process.platform === 'win32') return true;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findServer(env: DiscoveryEnv): Discovery {
  const isExe = env.isExecutable ?? defaultIsExecutable;
  const win = env.platform === 'win32';
  const p = win ? path.win32 : path.posix;
  if (env.configured && env.configured.trim() !== '') {
    const c = env.configured.trim();
    if (isExe(c)) return { ok: true, location: { path: c, source: 'setting' } };
    return {
      ok: false,
      reason: `The claimls.server.path setting points to "${c}", which is not an executable file. Fix the setting, or clear it to use the bundled server or claimls on PATH.`,
    };
  }
  const bundled = p.join(env.extensionPath, 'server', win ? 'claimls.exe' : 'claimls');
  if (isExe(bundled)) return { ok: true, location: { path: bundled, source: 'bundled' } };

  const exts = win ? (env.pathExt ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean) : [''];
  for (const dir of (env.pathEnv ?? '').split(win ? ';' : ':')) {
    if (!dir) continue;
    for (const e of exts) {
      const candidate = p.join(dir, 'claimls' + e.toLowerCase());
      if (isExe(candidate)) return { ok: true, location: { path: candidate, source: 'PATH' } };
    }
  }
  return {
    ok: false,
    reason:
      'The claimls language server was not found: this extension has no bundled server for this platform and `claimls` is not on PATH. Install the claimls binary (cargo install --path server/claimls, or a release build) or set claimls.server.path to its location.',
  };
}
