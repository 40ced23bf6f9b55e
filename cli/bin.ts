#!/usr/bin/env node
/**
 * Entry of the `rmq-ha` command (built to dist/rmq-ha.js). Start-up is most of a synth, so V8's
 * compiled code of the bundle is cached between runs (what Node 22's module.enableCompileCache
 * does; Node 20 needs the v8-compile-cache package). Without the cache everything still works.
 */
try {
  require('v8-compile-cache');
} catch {
  // Optional: only start-up time depends on it.
}
(require('./rmq-ha-bundle.js') as { main(argv: readonly string[]): Promise<void> }).main(process.argv);
