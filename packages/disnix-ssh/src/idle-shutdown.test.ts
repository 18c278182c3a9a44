import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { idleShutdown } from './idle-shutdown.js'

describe('idleShutdown', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  test('fires once no invocation has been connected for the idle time', () => {
    const onIdle = vi.fn()
    const idle = idleShutdown(1000, onIdle)
    idle.enter()
    idle.start()
    vi.advanceTimersByTime(5000)
    expect(onIdle).not.toHaveBeenCalled()
    idle.leave()
    vi.advanceTimersByTime(999)
    idle.enter()
    idle.leave()
    vi.advanceTimersByTime(999)
    expect(onIdle).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(onIdle).toHaveBeenCalledTimes(1)
  })

  test('stop cancels it', () => {
    const onIdle = vi.fn()
    const idle = idleShutdown(1000, onIdle)
    idle.start()
    idle.stop()
    vi.advanceTimersByTime(2000)
    expect(onIdle).not.toHaveBeenCalled()
  })
})
