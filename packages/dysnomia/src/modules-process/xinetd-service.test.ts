import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isRoot } from '@disnix-ts/libmain/testing'
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest'
import { declareUser, exists, freePort, groupExists, put, runModule, sharedTestDir, startXinetd, tcpExchange, userExists, waitFor, type Xinetd } from '@disnix-ts/test-servers'

let xinetd: Xinetd

beforeAll(async () => {
  xinetd = await startXinetd()
}, 60_000)

afterAll(async () => {
  await xinetd?.stop()
})

/** A component with one xinetd TCP service on `port` that greets as the user it runs as. */
async function greeterComponent(component: string, port: number, user: string): Promise<void> {
  await put(join(component, 'bin', 'greeter'), '#!/bin/sh\nread name\necho "hello $name from $(id -un)"\n', 0o755)
  await put(
    join(component, 'etc', 'xinetd.d', 'greeter'),
    [
      'service greeter',
      '{',
      '    type        = UNLISTED',
      `    id          = greeter-${port}`,
      '    socket_type = stream',
      '    protocol    = tcp',
      '    wait        = no',
      `    user        = ${user}`,
      '    bind        = 127.0.0.1',
      `    port        = ${port}`,
      `    server      = ${join(component, 'bin', 'greeter')}`,
      '}',
      '',
    ].join('\n'),
  )
}

describe.runIf(isRoot())('xinetd-service module (real xinetd)', () => {
  test('adds a service that xinetd serves as the component user, and removes it again', async () => {
    const root = await sharedTestDir()
    const component = join(root, 'greeter')
    const user = await declareUser(component)
    const port = await freePort()
    await greeterComponent(component, port, user)
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), xinetdTargetDir: xinetd.includeDir, xinetdPidFile: xinetd.pidFile }

    expect(await runModule('xinetd-service', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await userExists(user)).toBe(true)
    await waitFor('the greeter port', async () => (await tcpExchange(port, 'world')) !== null)
    expect(await tcpExchange(port, 'world')).toBe(`hello world from ${user}\n`)
    expect(await exists(join(root, 'state', 'activated', 'xinetd-service', 'greeter'))).toBe(true)

    expect(await runModule('xinetd-service', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '' })
    expect(await runModule('xinetd-service', 'lock', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await runModule('xinetd-service', 'unlock', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    await waitFor('the greeter port after the second activation', async () => (await tcpExchange(port, 'again')) === `hello again from ${user}\n`)

    expect(await runModule('xinetd-service', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    await waitFor('the greeter port to close', async () => (await tcpExchange(port, 'world')) === null)
    expect(await readdir(xinetd.includeDir)).toEqual(['README'])
    expect(await userExists(user)).toBe(false)
    expect(await groupExists(user)).toBe(false)
    expect(await exists(join(root, 'state', 'activated', 'xinetd-service', 'greeter'))).toBe(false)
    expect(await runModule('xinetd-service', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stderr: '' })
  })

  test('check: healthy while xinetd runs with the services installed, failing when one is missing or xinetd is killed', async () => {
    // An xinetd of this test alone: it is killed at the end.
    const own = await startXinetd()
    onTestFinished(() => own.stop())
    const root = await sharedTestDir()
    const component = join(root, 'greeter')
    const user = await declareUser(component)
    const port = await freePort()
    await greeterComponent(component, port, user)
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), xinetdTargetDir: own.includeDir, xinetdPidFile: own.pidFile }
    const check = () => runModule('xinetd-service', 'check', component, env)
    const service = join(component, 'etc', 'xinetd.d', 'greeter')

    expect(await check()).toMatchObject({
      exitCode: 1,
      stdout: '',
      stderr: `xinetd service: greeter is not installed: ${join(own.includeDir, 'greeter')} does not link to ${service}`,
    })
    expect(await runModule('xinetd-service', 'activate', component, env)).toMatchObject({ exitCode: 0 })
    const pid = (await readFile(own.pidFile, 'utf8')).trim()
    expect(await check()).toMatchObject({ exitCode: 0, stdout: `healthy: xinetd runs (pid ${pid}) with the services: greeter`, stderr: '' })

    await own.kill()
    expect(await check()).toMatchObject({ exitCode: 1, stdout: '', stderr: `Cannot detect a running xinetd instance! (PID file: ${own.pidFile})` })
  })

  test('fails without a running xinetd and rolls back with the component (QUIRK B.11)', async () => {
    const root = await sharedTestDir()
    const component = join(root, 'greeter')
    const user = await declareUser(component)
    await greeterComponent(component, await freePort(), user)
    const targetDir = join(root, 'xinetd.d')
    const pidFile = join(root, 'no-xinetd.pid')
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), xinetdTargetDir: targetDir, xinetdPidFile: pidFile }

    expect(await runModule('xinetd-service', 'activate', component, env)).toMatchObject({
      exitCode: 1,
      stderr: `Cannot detect a running xinetd instance! (PID file: ${pidFile})`,
    })
    expect(await exists(join(targetDir, 'greeter'))).toBe(false)
    expect(await userExists(user)).toBe(false)
    expect(await groupExists(user)).toBe(false)
    expect(await exists(join(root, 'state', 'activated', 'xinetd-service', 'greeter'))).toBe(false)
  })
})
