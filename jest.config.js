/** Jest runs the TypeScript sources through ts-jest (type errors fail a suite). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // Integration suites boot real RabbitMQ nodes (3 or 4 each): one suite at a time keeps at most
  // 4 nodes alive on the 2 cores, and no timing-sensitive failover test competes with another.
  maxWorkers: 1,
  testTimeout: 30000,
};
