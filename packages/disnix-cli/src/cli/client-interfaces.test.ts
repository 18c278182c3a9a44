import { describe, expect, test } from 'vitest'
import { coordinatorInterfaces } from './client-interfaces.js'

// A target that refuses at once (nothing listens on port 1), and an environment in which no Node
// process can start: only a call made in this process gets as far as the target.
const env = { ...process.env, SSH_OPTS: '-F none', DISNIX_SSH_PERSIST: '0', NODE_OPTIONS: '--require /nonexistent/refuse-to-start.cjs' }
const target = '127.0.0.1:1'

describe('coordinatorInterfaces', () => {
  test('disnix-ssh-client runs in this process, with the executable’s message and status', async () => {
    const error = await coordinatorInterfaces(env)('disnix-ssh-client').call(target, { op: 'lock', profile: 'p' }).catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'INTERFACE_FAILED',
      exitStatus: 255,
      message: `[target: ${target}]: lock profile p failed (disnix-ssh-client: exit status 255)\n[target: ${target}]: cannot connect to 127.0.0.1 port 1: connection refused`,
    })
  })

  test('DISNIX_IN_PROCESS_INTERFACE=0, and any other interface, start an executable per call', async () => {
    const spawned = coordinatorInterfaces({ ...env, DISNIX_IN_PROCESS_INTERFACE: '0' })('disnix-ssh-client')
    await expect(spawned.call(target, { op: 'lock', profile: 'p' })).rejects.toMatchObject({ code: 'INTERFACE_FAILED', exitStatus: 1 })
    await expect(coordinatorInterfaces(env)('disnix-ts-no-such-interface').call(target, { op: 'lock' })).rejects.toMatchObject({ code: 'INTERFACE_NOT_FOUND' })
  })

  test('one interface per name', () => {
    const interfaces = coordinatorInterfaces(env)
    expect(interfaces('disnix-ssh-client')).toBe(interfaces('disnix-ssh-client'))
    expect(interfaces('my-client')).not.toBe(interfaces('disnix-ssh-client'))
  })
})
