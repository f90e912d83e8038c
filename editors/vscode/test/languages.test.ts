import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isClaimlsLanguage, LANGUAGE_IDS } from '../src/languages.ts';
import { codeAsWritten } from '../src/symbols.ts';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));

test('every language the client attaches to is contributed, activates the extension and has a grammar', () => {
  const contributed = manifest.contributes.languages.map((l: { id: string }) => l.id).sort();
  assert.deepEqual(contributed, [...LANGUAGE_IDS].sort());
  assert.deepEqual([...manifest.activationEvents].sort(), LANGUAGE_IDS.map((id) => `onLanguage:${id}`).sort());
  const grammars = manifest.contributes.grammars.map((g: { language: string }) => g.language).sort();
  assert.deepEqual(grammars, [...LANGUAGE_IDS].sort());
});

test('x12 and hl7 are known by extension and by their first line', () => {
  const lang = (id: string) => manifest.contributes.languages.find((l: { id: string }) => l.id === id);
  assert.deepEqual(lang('x12').extensions, ['.837', '.x12', '.edi']);
  assert.deepEqual(lang('hl7').extensions, ['.hl7', '.hl7v2']);
  const x12 = new RegExp(lang('x12').firstLine);
  const hl7 = new RegExp(lang('hl7').firstLine);
  assert.ok(x12.test('ISA*00*          *00*'));
  assert.ok(x12.test('\ufeffISA*00*'), 'after a byte-order mark');
  assert.ok(!x12.test('GS*HC*A*B'), 'a GS-first file is left to the user (no envelope to know it by)');
  assert.ok(hl7.test('MSH|^~\\&|SFP'));
  assert.ok(!hl7.test('PID|1||MRN'));
  assert.ok(!x12.test('MSH|^~\\&') && !hl7.test('ISA*00'));
});

test('isClaimlsLanguage', () => {
  for (const id of ['claim', 'x12', 'hl7']) assert.ok(isClaimlsLanguage(id), id);
  for (const id of ['edi', 'plaintext', 'x12-edi', '']) assert.ok(!isClaimlsLanguage(id), id);
});

test('codeAsWritten: X12 drops the dot, the claim language and HL7 keep it', () => {
  assert.equal(codeAsWritten('E11.65', 'x12'), 'E1165');
  assert.equal(codeAsWritten('S72.001A', 'x12'), 'S72001A');
  assert.equal(codeAsWritten('99213', 'x12'), '99213');
  assert.equal(codeAsWritten('E11.65', 'hl7'), 'E11.65');
  assert.equal(codeAsWritten('E11.65', 'claim'), 'E11.65');
  assert.equal(codeAsWritten('E11.65', undefined), 'E11.65');
});
