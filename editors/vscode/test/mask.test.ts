import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskRanges } from '../src/mask.ts';

const r = (l1: number, c1: number, l2: number, c2: number) => ({
  start: { line: l1, character: c1 },
  end: { line: l2, character: c2 },
});

test('the server answer is kept as it is when well formed and sorted', () => {
  const answer = [r(1, 11, 1, 20), r(1, 26, 1, 36), r(1, 45, 1, 54)];
  assert.deepEqual(maskRanges(answer), answer);
});

test('ranges are sorted and overlapping ones merged', () => {
  assert.deepEqual(maskRanges([r(3, 2, 3, 9), r(0, 5, 0, 9), r(3, 4, 3, 12), r(0, 9, 0, 10)]), [
    r(0, 5, 0, 9),
    r(0, 9, 0, 10),
    r(3, 2, 3, 12),
  ]);
});

test('anything that is not a range is dropped, never trusted', () => {
  assert.deepEqual(maskRanges(null), []);
  assert.deepEqual(maskRanges({ start: 1 }), []);
  assert.deepEqual(maskRanges([r(0, 1, 0, 3), { start: { line: -1, character: 0 }, end: { line: 0, character: 1 } }, 'x', r(2, 5, 2, 1)]), [
    r(0, 1, 0, 3),
  ]);
});
