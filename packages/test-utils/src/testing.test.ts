import { describe, expect, test } from 'vitest'
import { runsHere } from './testing.js'

describe('runsHere', () => {
  test('runs the tests where the precondition holds, also under CI', () => {
    expect(runsHere({ ok: true }, 'root', {})).toBe(true)
    expect(runsHere({ ok: true }, 'root', { CI: 'true' })).toBe(true)
  })

  test('skips them on a developer machine where it is missing', () => {
    expect(runsHere({ ok: false, reason: 'not root' }, 'root', {})).toBe(false)
    expect(runsHere({ ok: false, reason: 'not root' }, 'root', { CI: 'false' })).toBe(false)
  })

  test('fails under CI=true with what is needed and why it is missing', () => {
    expect(() => runsHere({ ok: false, reason: 'ip netns add: Operation not permitted' }, 'a test network', { CI: 'true' })).toThrow(
      'CI=true, but the tests that need a test network cannot run here: ip netns add: Operation not permitted',
    )
  })
})
