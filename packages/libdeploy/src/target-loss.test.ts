import { ChildProcessError, DisnixError, childProcessError } from '@disnix-ts/libmain'
import { describe, expect, test } from 'vitest'
import { isTargetLoss, lossReason, lostReasons, targetLostError } from './target-loss.js'
import { unlockCommand } from './locking.js'

const unreachable = '[target: test2]: unreachable: no answer for 10 s from 10.0.0.12 port 22 (ServerAliveInterval 2 s × ServerAliveCountMax 5)'

describe('isTargetLoss', () => {
  test('an unreachable target or a lost connection is a loss, also as the cause of another error', () => {
    expect(isTargetLoss(new DisnixError('TARGET_UNREACHABLE', unreachable))).toBe(true)
    expect(isTargetLoss(new DisnixError('CONNECTION_LOST', '[target: test2]: the connection to 10.0.0.12 port 22 was lost: boom'))).toBe(true)
    expect(isTargetLoss(new DisnixError('DISTRIBUTE_FAILED', 'copy failed', { cause: new DisnixError('TARGET_UNREACHABLE', unreachable) }))).toBe(true)
  })

  test('a client interface that failed after showing why (its stderr passed on) is a loss when it said so', () => {
    const lost = childProcessError({ exitStatus: 255, shownStderr: `${unreachable}\n` }, { step: 'lock profile default', target: 'test2', program: 'disnix-ssh-client' })
    expect(lost).toBeInstanceOf(ChildProcessError)
    expect(lost.message).toBe('[target: test2]: lock profile default failed (disnix-ssh-client: exit status 255)')
    expect(isTargetLoss(lost)).toBe(true)
    expect(lossReason(lost)).toBe(unreachable)
    // A channel that never opened on a connection that stopped answering (an upload over a lost link).
    const stopped = '[target: test2]: unreachable: the connection stopped responding (no answer within 5 s)'
    const upload = childProcessError({ exitStatus: 255, shownStderr: `${stopped}\n` }, { step: 'import closure', target: 'test2', program: 'disnix-ssh-client' })
    expect(isTargetLoss(upload)).toBe(true)
    expect(lossReason(upload)).toBe(stopped)
  })

  test('a refusal or a failing service is not a loss', () => {
    expect(isTargetLoss(new DisnixError('LOCK_FAILED', 'Cannot acquire lock on profile: default: service x refused the lock'))).toBe(false)
    const failed = childProcessError({ exitStatus: 1, stderr: 'web-2 refuses to start\n' }, { step: 'activate web', target: 'test1', program: 'disnix-ssh-client' })
    expect(isTargetLoss(failed)).toBe(false)
  })
})

describe('targetLostError', () => {
  test('one line per target and the command that finishes the job, each lost target named once', () => {
    const error = targetLostError({
      cause: `Distributing the closures failed: ${lostReasons(new Map([['test2', unreachable]]))}; nothing was changed:`,
      lines: ['test1: unchanged: the previous configuration is active', 'test2: unreachable; last known state: the previous configuration'],
      lost: ['test2'],
      finishCommand: 'disnix-deploy -p default /nix/store/x-manifest.xml',
    })
    expect(error.code).toBe('TARGET_LOST')
    expect(error.message).toBe(
      `Distributing the closures failed: ${unreachable}; nothing was changed:\n  test1: unchanged: the previous configuration is active\n  test2: unreachable; last known state: the previous configuration`,
    )
    expect(error.hint).toBe('when test2 is reachable again, finish the deployment with: disnix-deploy -p default /nix/store/x-manifest.xml')
  })

  test('a reason without the target prefix gets it', () => {
    expect(lostReasons(new Map([['b', 'gone'], ['a', '[target: a]: unreachable: cannot connect to x port 22']]))).toBe('[target: a]: unreachable: cannot connect to x port 22; [target: b]: gone')
  })
})

describe('unlockCommand', () => {
  test('acts on the same deployment, on the given targets only', () => {
    expect(unlockCommand({ profile: 'p', coordinatorProfilePath: '/c', manifestPath: '/nix/store/m.xml', targets: ['test2'] })).toBe(
      'disnix-lock --unlock --target test2 -p p --coordinator-profile-path /c /nix/store/m.xml',
    )
    expect(unlockCommand({ profile: 'p' })).toBe('disnix-lock --unlock -p p')
  })
})
