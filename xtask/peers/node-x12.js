// The bench's driver for the npm `node-x12` (parses into its object model, strict: it checks
// the envelope's control numbers and counts and throws at the first that is wrong): reads
// the file given, parses it and prints the number of transaction sets. Exit 3 with the error
// on a failure.
'use strict';
const { readFileSync } = require('node:fs');
const { X12Parser } = require('node-x12');

try {
  const interchange = new X12Parser(true).parse(readFileSync(process.argv[2], 'utf8'));
  const interchanges = Array.isArray(interchange) ? interchange : [interchange];
  let transactions = 0;
  for (const one of interchanges) {
    for (const group of one.functionalGroups) transactions += group.transactions.length;
  }
  console.log(`${transactions} transaction sets`);
} catch (error) {
  console.error(`node-x12: ${error && error.message ? error.message : error}`);
  process.exit(3);
}
