// One jest run for the whole workspace, started as `node --experimental-vm-modules …/jest.js`
// (`pnpm jest`): the OTLP HTTP exporters of OpenTelemetry JS 0.223 load `http` with a dynamic
// import(), which jest's VM refuses without that flag (see test/support/README.md). Tests import @otelkit/* packages by name and are
// mapped to their TypeScript sources, so no build is needed to test (only the tests that
// check the built output, under test/, need `pnpm build` first).
// tsconfig sets isolatedModules, so ts-jest transpiles each file alone (fast); `pnpm typecheck` type-checks.
const transpileOnly = { diagnostics: false };

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/test', '<rootDir>/examples'],
  testMatch: ['**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    // Files named *.legacy.ts / *.legacy.test.ts are compiled with experimentalDecorators,
    // everything else with TypeScript's standard (TC39) decorators.
    // (a second ts-jest entry would not do: ts-jest keeps one config per jest config).
    '^.+\\.legacy(\\.test)?\\.ts$': '<rootDir>/.jest/legacy-decorators-transform.js',
    '^.+\\.ts$': ['ts-jest', { ...transpileOnly, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleNameMapper: {
    '^@otelkit/([^/]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^@otelkit/([^/]+)/(.+)$': '<rootDir>/packages/$1/src/$2',
  },
  modulePathIgnorePatterns: ['<rootDir>/packages/.*/dist/'],
  testTimeout: 30_000,
  maxWorkers: 2,
};
