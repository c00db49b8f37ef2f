/** End-to-end tests: a real Nx workspace in a temp dir, the plugin installed from `npm pack`, real `go`. */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.e2e.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: true }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  reporters: ['default', ['<rootDir>/../scripts/summary-reporter.js', { label: 'e2e' }]],
  globalSetup: '<rootDir>/setup/global-setup.js',
  testTimeout: 900000,
};
