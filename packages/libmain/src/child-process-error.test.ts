import { describe, expect, test } from 'vitest'
import { childProcessError, execaOutcome } from './child-process-error.js'
import { ChildProcessError } from './disnix-error.js'

describe('childProcessError', () => {
  test('names the target, the step and the program, and keeps the last stderr lines and the status', () => {
    const stderr = Array.from({ length: 25 }, (_, i) => `line${i + 1}`).join('\n') + '\n'
    const error = childProcessError(
      { exitStatus: 3, stderr },
      { step: 'import closure', target: 'test1', program: 'disnix-ssh-client', codes: { failed: 'INTERFACE_FAILED' } },
    )
    expect(error).toBeInstanceOf(ChildProcessError)
    expect(error.code).toBe('INTERFACE_FAILED')
    expect(error.message).toBe(`[target: test1]: import closure failed (disnix-ssh-client: exit status 3)\n${Array.from({ length: 20 }, (_, i) => `line${i + 6}`).join('\n')}`)
    expect(error).toMatchObject({ exitStatus: 3, target: 'test1', step: 'import closure' })
    expect(error.stderrTail).toMatch(/^line6\n/)
  })

  test("runCommand's wording, a target tool's wording", () => {
    expect(childProcessError({ exitStatus: 1 }, { step: 'querying requisites', colon: true }).message).toBe('querying requisites: failed (exit status 1)')
    expect(childProcessError({ signal: 'SIGKILL' }, { step: 'dysnomia-snapshots --gc' }).message).toBe('dysnomia-snapshots --gc failed (killed by SIGKILL)')
  })

  test('a cancelled child has its own code; a missing program says so, with the hint', () => {
    const cancelled = childProcessError({ cancelled: true, signal: 'SIGTERM' }, { step: 's', target: 't', program: 'p', codes: { failed: 'INTERFACE_FAILED', cancelled: 'INTERFACE_CANCELLED' } })
    expect(cancelled).toMatchObject({ code: 'INTERFACE_CANCELLED', message: '[target: t]: s failed (p: cancelled)' })
    const missing = childProcessError(
      { notFound: true },
      { step: 'print invalid paths', target: 'box', program: 'iface', programKind: 'client interface iface', codes: { notFound: 'INTERFACE_NOT_FOUND' }, notFoundHint: 'check --interface' },
    )
    expect(missing).toMatchObject({ code: 'INTERFACE_NOT_FOUND', message: '[target: box]: print invalid paths: cannot execute client interface iface: not found', hint: 'check --interface' })
  })

  test('secrets are redacted from the step and the stderr', () => {
    const error = childProcessError({ exitStatus: 1, stderr: 'password=hunter2 rejected\n' }, { step: 'login as hunter2', secrets: ['hunter2'] })
    expect(error.message).toBe('login as *** failed (exit status 1)\npassword=*** rejected')
    expect(error.stderrTail).toBe('password=*** rejected')
  })
})

describe('execaOutcome', () => {
  test('reads how an execa child ended', () => {
    expect(execaOutcome({ exitCode: 2, stderr: 'x' })).toEqual({ exitStatus: 2, signal: undefined, timedOut: false, cancelled: false, notFound: false, stderr: 'x' })
    expect(execaOutcome({ code: 'ENOENT' })).toMatchObject({ notFound: true })
    expect(execaOutcome({ isTerminated: true, signal: 'SIGTERM', isCanceled: true })).toMatchObject({ signal: 'SIGTERM', cancelled: true })
  })
})
