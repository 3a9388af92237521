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
  // Jest's default 500 ms was too short for a worker that had run half the suites: its event loop
  // had ended (no timer of its ran after Jest's END), yet it was still exiting, and Jest killed it
  // as "failed to exit gracefully". A worker kept alive by a leaked handle is still reported, after 10 s.
  workerGracefulExitTimeout: 10_000,
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};

export default config;
