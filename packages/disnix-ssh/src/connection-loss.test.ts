import { describe, expect, test } from 'vitest'
import { connectionLossError, isNotStarted, isStaleConnection, markNotStarted } from './connection-loss.js'
import { resolveConnection } from './resolve-connection.js'

const params = resolveConnection({ target: 'test2', sshOpts: '-F none -o HostName=10.233.0.12', localUser: 'me', home: '/home/me' })

describe('connectionLossError', () => {
  test('an unanswered keep-alive is "unreachable" with the time, the address and the settings', () => {
    const error = connectionLossError(params, Object.assign(new Error('Keepalive timeout'), { level: 'client-timeout' }))
    expect(error.code).toBe('TARGET_UNREACHABLE')
    expect(error.message).toBe('[target: test2]: unreachable: no answer for 10 s from 10.233.0.12 port 22 (ServerAliveInterval 2 s × ServerAliveCountMax 5)')
    expect(isStaleConnection(error)).toBe(false)
  })

  test('the settings of SSH_OPTS give the bound', () => {
    const custom = resolveConnection({ target: 'h', sshOpts: '-F none -o ServerAliveInterval=3 -o ServerAliveCountMax=2', localUser: 'me', home: '/home/me' })
    expect(connectionLossError(custom, Object.assign(new Error('Keepalive timeout'), { level: 'client-timeout' })).message).toContain('no answer for 6 s from h port 22')
  })

  test('a reset connection is stale; only a command marked so counts as not started', () => {
    const error = connectionLossError(params, Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))
    expect(error.code).toBe('CONNECTION_LOST')
    expect(error.message).toContain('was reset by the target')
    expect(isStaleConnection(error)).toBe(true)
    expect(isNotStarted(error)).toBe(false)
    expect(isNotStarted(markNotStarted(error))).toBe(true)
  })
})
