import { describe, expect, test } from 'vitest'
import type { CheckOutcome } from '@disnix-ts/libinterface'
import { waitUntilHealthy } from './wait-until-healthy.js'

const healthy: CheckOutcome = { status: 'healthy', reason: 'running' }
const unknown: CheckOutcome = { status: 'unknown', reason: 'module x does not implement check' }
const failing = (n: number): CheckOutcome => ({ status: 'failing', reason: `not yet (${n})` })

/** A clock that only moves when the poller sleeps, and a check that answers from a script. */
function scripted(answers: CheckOutcome[]) {
  let time = 0
  const sleeps: number[] = []
  let asked = 0
  return {
    check: async () => answers[Math.min(asked++, answers.length - 1)] as CheckOutcome,
    now: () => time,
    sleep: async (ms: number) => {
      sleeps.push(ms)
      time += ms
    },
    asked: () => asked,
    sleeps,
  }
}

describe('waitUntilHealthy', () => {
  test('says once, at the first healthy answer, that the service runs, while the settle time goes on', async () => {
    const s = scripted([failing(1), healthy, failing(2), healthy, healthy, healthy, healthy, healthy])
    const said: number[] = []
    const outcome = await waitUntilHealthy(s.check, { timeoutMs: 10000, intervalMs: 500, settleMs: 2000, now: s.now, sleep: s.sleep, onHealthy: () => said.push(s.now()) })
    expect(outcome).toEqual(healthy)
    expect(said).toEqual([500])
    expect(s.asked()).toBe(6)
  })

  test('never says so for a service that is never healthy', async () => {
    const s = scripted([failing(1)])
    const said: number[] = []
    expect(await waitUntilHealthy(s.check, { timeoutMs: 1000, intervalMs: 500, settleMs: 0, now: s.now, sleep: s.sleep, onHealthy: () => said.push(1) })).toEqual(failing(1))
    expect(said).toEqual([])
  })

  test('returns at once when the first check is healthy or unknown', async () => {
    for (const answer of [healthy, unknown]) {
      const s = scripted([answer])
      expect(await waitUntilHealthy(s.check, { timeoutMs: 5000, intervalMs: 500, settleMs: 0, now: s.now, sleep: s.sleep })).toEqual(answer)
      expect(s.asked()).toBe(1)
      expect(s.sleeps).toEqual([])
    }
  })

  test('asks again after each interval until the service passes', async () => {
    const s = scripted([failing(1), failing(2), healthy])
    expect(await waitUntilHealthy(s.check, { timeoutMs: 5000, intervalMs: 500, settleMs: 0, now: s.now, sleep: s.sleep })).toEqual(healthy)
    expect(s.asked()).toBe(3)
    expect(s.sleeps).toEqual([500, 500])
  })

  test('gives up at the deadline with the last failing outcome; the last pause is cut to the deadline', async () => {
    const s = scripted([failing(1), failing(2), failing(3), failing(4)])
    expect(await waitUntilHealthy(s.check, { timeoutMs: 1200, intervalMs: 500, settleMs: 0, now: s.now, sleep: s.sleep })).toEqual(failing(4))
    expect(s.sleeps).toEqual([500, 500, 200])
    expect(s.asked()).toBe(4)
  })

  test('a timeout of 0 asks exactly once', async () => {
    const s = scripted([failing(1), healthy])
    expect(await waitUntilHealthy(s.check, { timeoutMs: 0, intervalMs: 500, settleMs: 2000, now: s.now, sleep: s.sleep })).toEqual(failing(1))
    expect(s.asked()).toBe(1)
  })

  test('healthy must last settleMs: a service that dies a second after starting fails', async () => {
    const s = scripted([healthy, healthy, failing(1)])
    expect(await waitUntilHealthy(s.check, { timeoutMs: 5000, intervalMs: 500, settleMs: 2000, now: s.now, sleep: s.sleep })).toEqual(failing(1))
    expect(s.sleeps.reduce((a, b) => a + b, 0)).toBe(5000)
  })

  test('a service that stays healthy passes once settleMs has passed; a failure restarts the wait', async () => {
    const stays = scripted([healthy])
    expect(await waitUntilHealthy(stays.check, { timeoutMs: 5000, intervalMs: 500, settleMs: 2000, now: stays.now, sleep: stays.sleep })).toEqual(healthy)
    expect(stays.asked()).toBe(3)
    const recovers = scripted([healthy, failing(1), healthy])
    expect(await waitUntilHealthy(recovers.check, { timeoutMs: 5000, intervalMs: 500, settleMs: 1000, now: recovers.now, sleep: recovers.sleep })).toEqual(healthy)
    expect(recovers.asked()).toBe(5)
  })

  test('while it settles, a healthy service is asked halfway and at the end of the settle time, never more often than the interval', async () => {
    const long = scripted([healthy])
    expect(await waitUntilHealthy(long.check, { timeoutMs: 5000, intervalMs: 500, settleMs: 2000, now: long.now, sleep: long.sleep })).toEqual(healthy)
    expect(long.sleeps).toEqual([1000, 1000])
    const short = scripted([healthy])
    expect(await waitUntilHealthy(short.check, { timeoutMs: 5000, intervalMs: 500, settleMs: 600, now: short.now, sleep: short.sleep })).toEqual(healthy)
    expect(short.sleeps).toEqual([500, 100])
    // Dead at the half-way check: the wait starts again, polling every interval until it passes.
    const flaps = scripted([healthy, failing(1), healthy])
    expect(await waitUntilHealthy(flaps.check, { timeoutMs: 5000, intervalMs: 500, settleMs: 2000, now: flaps.now, sleep: flaps.sleep })).toEqual(healthy)
    expect(flaps.sleeps).toEqual([1000, 500, 1000, 1000])
  })

  test('settleMs is capped at the timeout: healthy at the deadline passes', async () => {
    const s = scripted([healthy])
    expect(await waitUntilHealthy(s.check, { timeoutMs: 1000, intervalMs: 500, settleMs: 2000, now: s.now, sleep: s.sleep })).toEqual(healthy)
    expect(s.asked()).toBe(3)
  })

  test('an aborted signal stops polling with the outcome so far', async () => {
    const s = scripted([failing(1), healthy])
    const controller = new AbortController()
    controller.abort()
    expect(await waitUntilHealthy(s.check, { timeoutMs: 5000, intervalMs: 500, settleMs: 0, now: s.now, sleep: s.sleep, signal: controller.signal })).toEqual(failing(1))
    expect(s.asked()).toBe(1)
  })
})
