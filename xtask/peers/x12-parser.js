// The bench's driver for the npm `x12-parser` (a stream of segments, no checks): reads the
// file given, counts its segments and prints the count. Exit 3 with the error on a failure.
'use strict';
const { createReadStream } = require('node:fs');
const { X12parser } = require('x12-parser');

let segments = 0;
const fail = (error) => {
  console.error(`x12-parser: ${error && error.message ? error.message : error}`);
  process.exit(3);
};
const parser = new X12parser();
parser.on('error', fail);
parser.on('data', () => {
  segments += 1;
});
parser.on('end', () => console.log(`${segments} segments`));
const file = createReadStream(process.argv[2]);
file.on('error', fail);
file.pipe(parser);
