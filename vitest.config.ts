import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const alias = {
  '#shared': fileURLToPath(new URL('./shared', import.meta.url)),
  '~': fileURLToPath(new URL('.', import.meta.url)),
}

// Five projects: unit (node, no server), client (the browser-side stores and composables in
// happy-dom, with WebRTC, MediaRecorder and the socket replaced by fakes), media (the relay with
// real RTP, no server), server (API and socket against the built app), e2e
// (Playwright in Chromium against the same built app). The last two share one build and one server,
// started by tests/support/global-setup.ts.
export default defineConfig({
  test: {
    // The JSON report gives .ci/run its closing count line.
    reporters: ['default', ['json', { outputFile: 'tests/.artifacts/vitest-report.json' }]],
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        resolve: { alias },
        test: { name: 'client', include: ['tests/client/**/*.test.ts'], environment: 'happy-dom' },
      },
      {
        // The relay in-process with real RTP (ffmpeg's VP8 and Opus, werift peers): seconds, not milliseconds.
        resolve: { alias },
        test: { name: 'media', include: ['tests/media/**/*.test.ts'], environment: 'node', testTimeout: 60_000 },
      },
      {
        resolve: { alias },
        test: {
          name: 'server',
          include: ['tests/server/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
