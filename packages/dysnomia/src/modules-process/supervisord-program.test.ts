import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { isRoot, testDir } from '@disnix-ts/libmain/testing'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest'
import { declareUser, exists, groupExists, processesOf, put, runModule, sharedTestDir, startSupervisord, type Supervisord, userExists, waitFor } from '@disnix-ts/test-servers'

let supervisord: Supervisord

beforeAll(async () => {
  supervisord = await startSupervisord()
}, 60_000)

afterAll(async () => {
  await supervisord?.stop()
})

async function programComponent(root: string, program: string, user?: string): Promise<string> {
  const component = join(root, program)
  await put(join(component, 'bin', 'loop'), '#!/bin/sh\nexec sleep 600\n', 0o755)
  await put(
    join(component, 'conf.d', `${program}.conf`),
    `[program:${program}]\ncommand=${join(component, 'bin', 'loop')}\nstartsecs=0\n${user ? `user=${user}\n` : ''}`,
  )
  return component
}

describe.runIf(isRoot())('supervisord-program module (real supervisord)', () => {
  test('adds a program that runs as the component user, and removes program and user again', async () => {
    const root = await sharedTestDir()
    const stateDir = join(await testDir(), 'state')
    const component = join(root, 'loop')
    const user = await declareUser(component)
    await programComponent(root, 'loop', user)
    const env = { DYSNOMIA_STATEDIR: stateDir, supervisordTargetDir: supervisord.confDir, supervisordConfigFile: supervisord.configFile }

    const activate = await runModule('supervisord-program', 'activate', component, env)
    expect(activate).toMatchObject({ exitCode: 0, stdout: 'loop: available\nloop: added process group' })
    expect(await userExists(user)).toBe(true)
    expect(await groupExists(user)).toBe(true)
    await waitFor('loop RUNNING', async () => (await supervisord.status('loop')) === 'RUNNING')
    await waitFor('sleep running as the component user', async () => (await processesOf(user)).includes('sleep'))
    expect(await readdir(join(stateDir, 'activated', 'supervisord-program'))).toEqual(['loop'])

    // A second activation changes nothing; lock and unlock are no-ops.
    expect(await runModule('supervisord-program', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: 'No config updates to processes' })
    expect(await supervisord.status('loop')).toBe('RUNNING')
    expect(await runModule('supervisord-program', 'lock', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await runModule('supervisord-program', 'unlock', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })

    const deactivate = await runModule('supervisord-program', 'deactivate', component, env)
    expect(deactivate).toMatchObject({ exitCode: 0, stdout: 'loop: stopped\nloop: disappeared\nloop: stopped\nloop: removed process group' })
    expect(await supervisord.status('loop')).toBeNull()
    expect(await processesOf(user)).toEqual([])
    expect(await exists(join(supervisord.confDir, 'loop.conf'))).toBe(false)
    expect(await userExists(user)).toBe(false)
    expect(await groupExists(user)).toBe(false)
    expect(await readdir(join(stateDir, 'activated', 'supervisord-program'))).toEqual([])

    expect(await runModule('supervisord-program', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: 'No config updates to processes' })
  })

  test('rolls back a failed activation with the component (QUIRK B.11) and reports supervisorctl’s error', async () => {
    const root = await sharedTestDir()
    const stateDir = join(await testDir(), 'state')
    const component = join(root, 'broken')
    const user = await declareUser(component)
    // Not a valid ini section header: supervisorctl reread refuses it.
    await put(join(component, 'conf.d', 'broken.conf'), '[program:broken\ncommand=/bin/true\n')
    const env = { DYSNOMIA_STATEDIR: stateDir, supervisordTargetDir: supervisord.confDir, supervisordConfigFile: supervisord.configFile }

    const activate = await runModule('supervisord-program', 'activate', component, env)
    expect(activate.exitCode).toBe(1)
    expect(activate.stdout).toContain('ERROR: CANT_REREAD: File contains no section headers.')
    expect(await exists(join(supervisord.confDir, 'broken.conf'))).toBe(false)
    expect(await userExists(user)).toBe(false)
    expect(await groupExists(user)).toBe(false)
    expect(await exists(join(stateDir, 'activated', 'supervisord-program', 'broken'))).toBe(false)
  })

  test('check: healthy while supervisord runs the program; failing when it is unknown, stopped, or supervisord is killed', async () => {
    // A supervisord of this test alone: it is killed at the end.
    const own = await startSupervisord()
    onTestFinished(() => own.stop())
    const root = await sharedTestDir()
    const component = await programComponent(root, 'checked')
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), supervisordTargetDir: own.confDir, supervisordConfigFile: own.configFile, checkTimeout: '3' }
    const check = () => runModule('supervisord-program', 'check', component, env)

    expect(await check()).toMatchObject({ exitCode: 1, stdout: '', stderr: 'supervisord does not know program: checked' })

    expect(await runModule('supervisord-program', 'activate', component, env)).toMatchObject({ exitCode: 0 })
    await waitFor('checked RUNNING', async () => (await own.status('checked')) === 'RUNNING')
    const healthy = await check()
    expect(healthy.exitCode).toBe(0)
    expect(healthy.stdout).toMatch(/^healthy: supervisord runs: checked \(pid \d+\)$/)

    await execa('supervisorctl', ['-c', own.configFile, 'stop', 'checked'])
    const stopped = await check()
    expect(stopped.exitCode).toBe(1)
    expect(stopped.stderr).toMatch(/^supervisord program: checked is STOPPED \(.+\)$/)

    await execa('supervisorctl', ['-c', own.configFile, 'start', 'checked'])
    expect((await check()).exitCode).toBe(0)

    await own.kill()
    const killed = await check()
    expect(killed.exitCode).toBe(1)
    expect(killed.stdout).toBe('')
    expect(killed.stderr).toMatch(/^Cannot ask supervisord about program: checked: .*refused connection$/)
    await execa('pkill', ['-KILL', '-f', join(component, 'bin', 'loop')], { reject: false })
  })

  test('fails with supervisorctl’s message when supervisord does not run', async () => {
    const root = await sharedTestDir()
    const component = await programComponent(root, 'orphan')
    const targetDir = join(root, 'target')
    const configFile = await put(join(root, 'ctl.conf'), `[supervisorctl]\nserverurl=unix://${join(root, 'missing.sock')}\n`)
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), supervisordTargetDir: targetDir, supervisordConfigFile: configFile }

    const activate = await runModule('supervisord-program', 'activate', component, env)
    expect(activate.exitCode).toBe(1)
    expect(activate.stdout + activate.stderr).toContain('No such file or directory')
    expect(await readdir(targetDir)).toEqual([])
  })
})
