/** Two projects: pure unit tests beside the code, and e2e tests that boot the app through the real migrations. */
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  // ES-module-only packages (NestJS 12 and some of its dependencies) become CommonJS for Jest; see the transformer.
  'node_modules/.+\\.m?js$': '<rootDir>/test/support/esm-to-cjs.transformer.js',
};
const shared = { testEnvironment: 'node', transform, transformIgnorePatterns: [], setupFiles: ['reflect-metadata'] };
// A test that proves the app refuses to start leaves that half-built app's Redis and database sockets open; do not
// let them hold the run open once every test has finished.
const forceExit = true;
module.exports = {
  forceExit,
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/src', '<rootDir>/migrations'], testMatch: ['**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', roots: ['<rootDir>/test'], testMatch: ['**/*.e2e-spec.ts'], testTimeout: 60000 },
    {
      ...shared,
      displayName: 'reliability',
      roots: ['<rootDir>/test/reliability'],
      testMatch: ['**/*.rel-spec.ts'],
      testTimeout: 300000,
    },
  ],
};
