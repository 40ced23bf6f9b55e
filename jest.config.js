/**
 * Jest runs the TypeScript sources through ts-jest, transpile only (tsconfig.jest.json:
 * isolatedModules): test/run-tests.sh type-checks everything with `tsc --noEmit` before jest, so a
 * type error still fails `npm test`, and jest no longer type-checks each suite again (about 20% of
 * the unit suites' time, measured cold: 113 s -> 90 s for 40 suites).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // Integration suites boot real RabbitMQ nodes (3 or 4 each): one suite at a time keeps at most
  // 4 nodes alive on the 2 cores, and no timing-sensitive failover test competes with another
  // (test/run-tests.sh runs the engine suites in a second jest beside the rest: see there).
  maxWorkers: 1,
  testTimeout: 30000,
  // Suites that need the Terraform providers last in their lane (see there).
  testSequencer: '<rootDir>/test/sequencer.js',
};
