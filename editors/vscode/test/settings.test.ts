import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { serverSettings } from '../src/settings.ts';
import { findServer } from '../src/serverPath.ts';
import { editionLabel } from '../src/status.ts';
import { codePrefixAt, hitToPick } from '../src/symbols.ts';

const getter = (o: Record<string, unknown>) => (k: string) => o[k];

test('serverSettings: nothing set sends nothing', () => {
  assert.deepEqual(serverSettings(getter({})), {});
  assert.deepEqual(serverSettings(getter({ today: '' })), {}, 'an empty today is VS Code\'s "unset"');
});

test('serverSettings: every value goes to the server as written (it reports bad ones)', () => {
  const s = serverSettings(
    getter({
      rules: { 'unused-dx': 'off', 'cpt-unverified': 'Warning', bogus: 'loud' },
      codeFiles: ['codes/cpt.tsv', '/abs/icd10cm_order_2026.txt', '', 7],
      today: ' tomorrow ',
      'inlayHints.codeTitles': 'yes',
    }),
    '/ws',
  );
  assert.deepEqual(s, {
    rules: { 'unused-dx': 'off', 'cpt-unverified': 'Warning', bogus: 'loud' },
    codeFiles: [path.join('/ws', 'codes/cpt.tsv'), '/abs/icd10cm_order_2026.txt', 7],
    today: 'tomorrow',
    inlayHints: { codeTitles: 'yes' },
  });
  assert.deepEqual(serverSettings(getter({ codeFiles: 'one.txt', rules: 3 })), { codeFiles: 'one.txt', rules: 3 });
  assert.deepEqual(serverSettings(getter({ today: '2026-03-10', 'inlayHints.codeTitles': false })), {
    today: '2026-03-10',
    inlayHints: { codeTitles: false },
  });
});

test('findServer: setting, bundled, PATH, none', () => {
  const exists = (set: string[]) => (p: string) => set.includes(p);
  const base = { extensionPath: '/ext', platform: 'linux' as const, pathEnv: '/usr/bin:/opt/bin' };
  assert.deepEqual(findServer({ ...base, configured: '/x/claimls', isExecutable: exists(['/x/claimls']) }), {
    ok: true,
    location: { path: '/x/claimls', source: 'setting' },
  });
  const bad = findServer({ ...base, configured: '/nope', isExecutable: exists(['/ext/server/claimls']) });
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.reason : '', /claimls\.server\.path/);
  assert.deepEqual(findServer({ ...base, configured: '', isExecutable: exists(['/ext/server/claimls', '/opt/bin/claimls']) }), {
    ok: true,
    location: { path: '/ext/server/claimls', source: 'bundled' },
  });
  assert.deepEqual(findServer({ ...base, configured: undefined, isExecutable: exists(['/opt/bin/claimls']) }), {
    ok: true,
    location: { path: '/opt/bin/claimls', source: 'PATH' },
  });
  const none = findServer({ ...base, configured: undefined, isExecutable: () => false });
  assert.equal(none.ok, false);
  assert.match(!none.ok ? none.reason : '', /Install the claimls binary.*claimls\.server\.path/);
  const win = findServer({
    configured: undefined,
    extensionPath: 'C:\\ext',
    platform: 'win32',
    pathEnv: '',
    isExecutable: exists(['C:\\ext\\server\\claimls.exe']),
  });
  assert.deepEqual(win, { ok: true, location: { path: 'C:\\ext\\server\\claimls.exe', source: 'bundled' } });
});

test('editionLabel shortens serverInfo.version', () => {
  assert.equal(editionLabel('0.1.0 (ICD-10-CM FY2026, HCPCS 2026Q1)'), 'ICD-10-CM FY2026, HCPCS 2026Q1');
  assert.equal(editionLabel('0.1.0'), '0.1.0');
  assert.equal(editionLabel(undefined), 'claimls');
  const long = editionLabel('0.1.0 (ICD-10-CM FY2026, ICD-10-PCS FY2026, HCPCS 2026Q1, POS 2025)');
  assert.ok(long.length <= 36 && long.endsWith('…'), long);
});

test('hitToPick and codePrefixAt', () => {
  assert.deepEqual(hitToPick({ code: 'E11.9', system: 'ICD-10-CM', title: 'Type 2 diabetes mellitus without complications', billable: true }), {
    label: 'E11.9',
    description: 'Type 2 diabetes mellitus without complications',
    detail: 'ICD-10-CM',
    code: 'E11.9',
  });
  assert.equal(hitToPick({ code: 'E11', system: 'ICD-10-CM', title: 'Type 2 diabetes mellitus', billable: false }).detail, 'ICD-10-CM (not billable)');
  assert.deepEqual(codePrefixAt('  dx A  E11', 11), { start: 8, end: 11, text: 'E11' });
  assert.equal(codePrefixAt('  dx A  ', 8), undefined);
  assert.equal(codePrefixAt('  line', 6), undefined);
});
