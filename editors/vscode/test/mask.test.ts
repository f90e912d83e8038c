import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findMaskRanges } from '../src/mask.ts';

function masked(text: string): string[] {
  return findMaskRanges(text).map((r) => `${r.kind}:${text.slice(r.start, r.end)}`);
}

test('quoted name, dob and member on a patient line', () => {
  assert.deepEqual(masked('  patient   "Doe, Jane"  dob 1980-04-12  sex F  member XJ1234567\n'), [
    'name:"Doe, Jane"',
    'dob:1980-04-12',
    'member:XJ1234567',
  ]);
});

test('bare name runs up to the next patient keyword', () => {
  assert.deepEqual(masked('patient Doe, John Q  DOB 1955-11-30  Sex M  Member ZZ-998877'), [
    'name:Doe, John Q',
    'dob:1955-11-30',
    'member:ZZ-998877',
  ]);
});

test('bare name to the end of the line, before a comment', () => {
  assert.deepEqual(masked('PATIENT Mary Major   # new patient\n'), ['name:Mary Major']);
  assert.deepEqual(masked('patient Mary Major\r\n'), ['name:Mary Major']);
});

test('# inside the quoted name is not a comment', () => {
  assert.deepEqual(masked('patient "Smith # 2" member M1 # comment'), ['name:"Smith # 2"', 'member:M1']);
});

test('unterminated quote masks to the end of the line', () => {
  assert.deepEqual(masked('patient "Doe, Ja'), ['name:"Doe, Ja']);
});

test('other statements and keywords elsewhere are left alone', () => {
  const text = [
    'claim CLM-1',
    '  payer "Acme Health" id 60054',
    '  billing npi 1234567893 "Dr Patient"',
    '  dx A E11.9',
    '  line 2026-03-02 99213 ptr A',
    '# dob 1980-01-01 in a comment is not a patient line',
    'end',
  ].join('\n');
  assert.deepEqual(masked(text), []);
});

test('patient with no name, or a keyword with no value', () => {
  assert.deepEqual(masked('patient dob 1980-04-12 member'), ['dob:1980-04-12']);
  assert.deepEqual(masked('patient'), []);
  assert.deepEqual(masked('patient sex F'), []);
});

test('offsets are into the whole document and sorted', () => {
  const text = 'claim A\n  patient "Roe, Richard" dob 1970-01-01\nend\norder B\n  patient Roe dob 1970-01-01\nend\n';
  const ranges = findMaskRanges(text);
  assert.equal(ranges.length, 4);
  for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i].start >= ranges[i - 1].end);
  assert.equal(text.slice(ranges[0].start, ranges[0].end), '"Roe, Richard"');
  assert.equal(text.slice(ranges[3].start, ranges[3].end), '1970-01-01');
});

test('a masked name mentioned in a comment is masked too', () => {
  const text = '# follow-up for doe, jane\nclaim C\n  patient "Doe, Jane"\nend # Doe, Jane again\n';
  assert.deepEqual(masked(text), ['name:doe, jane', 'name:"Doe, Jane"', 'name:Doe, Jane']);
});
