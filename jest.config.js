/** Jest runs the TypeScript sources as native ES modules (agenda and PGlite are ESM-only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022', experimental: { keepImportAttributes: true } },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
    // jose (an ESM-only dependency of the Agents SDK's jwks-rsa) is required from CommonJS, which
    // Node 20.19+ allows natively but jest's module runtime does not before Node 24.9: compile it to
    // CommonJS for the tests.
    '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/global-setup.js',
  // PGlite's WASM runtime can keep a worker alive for a moment after its database is closed.
  forceExit: true,
};
