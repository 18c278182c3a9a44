import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const root = fileURLToPath(new URL('.', import.meta.url))

// Tests import sibling packages by their published names; resolve those to the sources so that a
// change in one package is seen by the tests of another without a rebuild. Tool tests run the built
// executables in bin/ (the test script builds first).
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@disnix-ts\/([^/]+)\/testing$/, replacement: `${root}packages/$1/src/testing.ts` },
      { find: /^@disnix-ts\/([^/]+)$/, replacement: `${root}packages/$1/src/index.ts` },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Most integration tests wait on real servers, targets and sleeps rather than compute; three
    // files at once keep two cores busy without starving any of them.
    maxWorkers: 3,
    reporters: ['default', './scripts/summary-reporter.ts'],
    clearMocks: true,
    restoreMocks: true,
  },
})
