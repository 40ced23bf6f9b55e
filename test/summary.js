#!/usr/bin/env node
// Prints the plain closing line CI reads, "N passed, N failed", from jest's --json results: one file,
// or one per lane of test/run-tests.sh (summed). A missing or unreadable file counts as a failure.
const fs = require('node:fs');
const files = process.argv.length > 2 ? process.argv.slice(2) : ['.jest-results.json'];
let passed = 0;
let failed = 0;
let skipped = 0;
let total = 0;
for (const file of files) {
  let r;
  try {
    r = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.log(`1 failure: no jest results in ${file} (${e.code || e.message})`);
    failed++;
    continue;
  }
  // A suite that failed to run (compile error, crash) counts as a failure even if it had no tests.
  const brokenSuites = r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
  passed += r.numPassedTests;
  failed += r.numFailedTests + brokenSuites;
  skipped += r.numPendingTests + r.numTodoTests;
  total += r.numTotalTests;
}
// Entries the run left in the temp directory (written by test/run-tests.sh beside the first file) count as one failure.
let leftovers = [];
try {
  leftovers = fs.readFileSync(`${files[0]}.leftovers`, 'utf8').split('\n').filter(Boolean);
} catch {}
if (leftovers.length > 0) {
  console.log(`1 failure: the tests left ${leftovers.length} entries in the temp directory (${leftovers.slice(0, 3).join(', ')}${leftovers.length > 3 ? ', ...' : ''})`);
  failed++;
}
// Steps test/run-tests.sh runs beside the suites (the Terraform providers build, the type check):
// each line of $results.step-failures is one that failed, and counts as one failure.
let steps = [];
try {
  steps = fs.readFileSync(`${files[0]}.step-failures`, 'utf8').split('\n').filter(Boolean);
} catch {}
for (const step of steps) {
  console.log(`1 failure: ${step}`);
  failed++;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || total === 0 ? 1 : 0);
