/**
 * Tests are transpiled one file at a time (ts-jest with isolatedModules: no type checking here); `npm test`
 * type-checks the whole project once with tsc before jest runs.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/rules', '<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  testTimeout: 30000,
};
