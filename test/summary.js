#!/usr/bin/env node
// Prints the plain closing line CI reads, "N passed, N failed", from jest's --json results.
const fs = require('node:fs');
const file = process.argv[2] || '.jest-results.json';
let r;
try {
  r = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
// A suite that failed to run (compile error, crash) counts as a failure even if it had no tests.
const brokenSuites = r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
// Entries the run left in the temp directory (written by test/run-tests.sh) count as one failure.
let leftovers = [];
try {
  leftovers = fs.readFileSync(`${file}.leftovers`, 'utf8').split('\n').filter(Boolean);
} catch {}
if (leftovers.length > 0) console.log(`1 failure: the tests left ${leftovers.length} entries in the temp directory (${leftovers.slice(0, 3).join(', ')}${leftovers.length > 3 ? ', ...' : ''})`);
const failed = r.numFailedTests + brokenSuites + (leftovers.length > 0 ? 1 : 0);
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || r.numTotalTests === 0 ? 1 : 0);
