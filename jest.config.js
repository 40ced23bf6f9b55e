/** Jest runs the TypeScript sources through ts-jest (type errors fail a suite). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // Integration suites boot real processes; keep them from competing for the 2 cores.
  maxWorkers: 2,
  testTimeout: 30000,
};
