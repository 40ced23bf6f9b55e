/** Jest runs the TypeScript sources through ts-jest (type errors fail a suite). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // Integration suites boot real RabbitMQ nodes (3 or 4 each): one suite at a time per jest. npm test
  // (test/run-tests.sh) runs two jests at once, one for the suites of the private container engine
  // and one for the rest, so at most 7 nodes are alive on the 2 cores.
  maxWorkers: 1,
  testTimeout: 30000,
};
