import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2024' },
        module: { type: 'es6' },
      },
    ],
  },
  testMatch: ['<rootDir>/{platform,router,subgraphs,bin,test}/**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Two cores: two workers; integration tests wait on PostgreSQL more than on CPU.
  maxWorkers: 2,
  // A worker that has run half the suites holds a heap of vm contexts that takes Node longer than
  // Jest's default 500 ms to free as it exits; Jest then kills it and says it "failed to exit
  // gracefully". A worker kept alive by a leaked handle would still be reported, after 10 s.
  workerGracefulExitTimeout: 10_000,
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};

export default config;
