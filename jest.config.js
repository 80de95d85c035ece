/** Two projects: pure unit tests beside the code, and e2e tests that boot the app through the real migrations. */
const transform = { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }] };
module.exports = {
  projects: [
    { displayName: 'unit', testEnvironment: 'node', roots: ['<rootDir>/src', '<rootDir>/migrations'], testMatch: ['**/*.spec.ts'], transform },
    { displayName: 'e2e', testEnvironment: 'node', roots: ['<rootDir>/test'], testMatch: ['**/*.e2e-spec.ts'], transform, testTimeout: 60000 },
  ],
};
