import { emptyManifest, type Manifest } from '@disnix-ts/libmanifest'
import { describe, expect, test } from 'vitest'
import { lastKnownState } from './restore-reachable.js'
import { mayHaveReached } from './target-loss.js'

const map = (service: string, target: string) => ({ service, container: 'wrapper', target })
// web moves nowhere and changes on test1; test2's api stays as it is.
const oldManifest: Manifest = { ...emptyManifest(), serviceMappings: [map('db-1', 'test1'), map('web-1', 'test1'), map('api-1', 'test2')] }
const manifest: Manifest = { ...emptyManifest(), serviceMappings: [map('db-1', 'test1'), map('web-2', 'test1'), map('api-1', 'test2')] }

describe('lastKnownState of a target lost after the transition', () => {
  test('a target this deployment changed nothing on, whose set request cannot have reached it', () => {
    expect(lastKnownState('test2', manifest, oldManifest)).toBe('the previous configuration (this deployment changed nothing there)')
    expect(lastKnownState('test2', manifest, oldManifest, { profile: false })).toBe('the previous configuration (this deployment changed nothing there)')
  })

  test('a set request that may have reached the target before it was lost is not said to have changed nothing', () => {
    const state = lastKnownState('test2', manifest, oldManifest, { profile: true })
    expect(state).toBe(
      "the previous configuration's services (this deployment changed none there); its Disnix profile may or may not have been set to the new configuration (the request may have reached it before it was lost)",
    )
    expect(state).not.toContain('changed nothing')
  })

  test('a target whose services changed: its profile was not set, or may or may not have been', () => {
    expect(lastKnownState('test1', manifest, oldManifest)).toBe("the new configuration's services are active there; its profile was not set")
    expect(lastKnownState('test1', manifest, oldManifest, { profile: true })).toBe(
      "the new configuration's services are active there; its Disnix profile may or may not have been set to the new configuration (the request may have reached it before it was lost)",
    )
  })

  test('a state activity that was running when the target was lost may or may not have happened', () => {
    expect(lastKnownState('test1', manifest, oldManifest, { state: 'the restore of the state of files' })).toBe(
      "the new configuration's services are active there; its profile was not set; the restore of the state of files, which was running when it was lost, may or may not have happened",
    )
  })
})

describe('mayHaveReached', () => {
  test('only a connection that could not be made proves the request did not reach the target', () => {
    expect(mayHaveReached('[target: test2]: unreachable: cannot connect to 10.0.0.12 port 22 (ConnectTimeout 5 s)')).toBe(false)
    expect(mayHaveReached('[target: test2]: cannot connect to 10.0.0.12 port 22: connection refused')).toBe(false)
    expect(mayHaveReached('[target: test2]: unreachable: no answer for 10 s from 10.0.0.12 port 22 (ServerAliveInterval 2 s × ServerAliveCountMax 5)')).toBe(true)
    expect(mayHaveReached('[target: test2]: the connection to 10.0.0.12 port 22 was lost: reset')).toBe(true)
  })
})
