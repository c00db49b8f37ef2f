/** Unit tests of the plugin (fast; real `go` builds allowed, no network). */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/plugin/src'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/plugin/tsconfig.spec.json', isolatedModules: true }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/files/', '/dist/'],
  reporters: ['default', '<rootDir>/scripts/summary-reporter.js'],
  testTimeout: 120000,
};
