/**
 * Jest's own order (failed first, then slowest first from its timing cache, else largest file
 * first), except that the suites which need the Terraform providers run last in their lane. On a
 * fresh machine the providers take minutes to build from source (providers/build.sh, Go);
 * test/run-tests.sh starts that build first and no longer waits for it before jest, so the suites
 * that do not need it run meanwhile, and a suite that needs it waits in ensureProviders (the
 * build's cache lock) only if the build is still going when its turn comes.
 */
const fs = require('fs');
const Sequencer = require('@jest/test-sequencer').default;

/** A suite needs the providers when it calls ensureProviders or the e2e deploy. */
const NEEDS_PROVIDERS = /\bensureProviders\(|[^\w.]deploy\(/;

function needsProviders(file) {
  try {
    return NEEDS_PROVIDERS.test(fs.readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

class ProvidersLastSequencer extends Sequencer {
  async sort(tests) {
    const ordered = await super.sort(tests);
    return [...ordered.filter((t) => !needsProviders(t.path)), ...ordered.filter((t) => needsProviders(t.path))];
  }
}

module.exports = ProvidersLastSequencer;
