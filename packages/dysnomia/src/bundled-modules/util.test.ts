import { mkdir, writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { execa } from 'execa'
import { binDir, bundledModulesDir } from '@disnix-ts/libmain'
import { isRoot, testDir, runsHere, rootPrecondition } from '@disnix-ts/test-utils'
import { describe, expect, onTestFinished, test } from 'vitest'

const util = join(bundledModulesDir(), 'lib', 'util')

/** Runs `script` with the util library sourced; $1.. are `args`. */
async function withUtil(script: string, args: string[] = [], env: Record<string, string> = {}) {
  return execa('bash', ['-c', `source "$0"; ${script}`, util, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    extendEnv: false,
    reject: false,
    // A socket as stdin makes bash -c read ~/.bashrc (Debian's SSH_SOURCE_BASHRC).
    stdin: 'ignore',
  })
}

describe('modules/lib/util: the check helpers', () => {
  test('reportHealthy prints the healthy line; reportFailing prints the reason on stderr and exits 1', async () => {
    expect(await withUtil('reportHealthy "process" 12 "is running"; echo after')).toMatchObject({ exitCode: 0, stdout: 'healthy: process 12 is running\nafter', stderr: '' })
    expect(await withUtil('reportFailing "port 80 does not answer"; echo after')).toMatchObject({ exitCode: 1, stdout: '', stderr: 'port 80 does not answer' })
  })

  test('checkCheckTimeout: the property, else the default, and refuses what is not a whole number of seconds', async () => {
    expect((await withUtil('checkCheckTimeout; echo "$checkTimeout"')).stdout).toBe('5')
    expect((await withUtil('checkCheckTimeout 10; echo "$checkTimeout"')).stdout).toBe('10')
    expect((await withUtil('checkCheckTimeout 10; echo "$checkTimeout"', [], { checkTimeout: '2' })).stdout).toBe('2')
    for (const bad of ['0', 'soon', '1.5']) {
      expect(await withUtil('checkCheckTimeout; echo after', [], { checkTimeout: bad })).toMatchObject({
        exitCode: 1,
        stdout: '',
        stderr: `The checkTimeout property must be a whole number of seconds (at least 1), not: ${bad}`,
      })
    }
  })

  test('withinCheckTimeout ends a command after checkTimeout seconds with status 124', async () => {
    expect((await withUtil('withinCheckTimeout sleep 30', [], { checkTimeout: '1' })).exitCode).toBe(124)
    expect(await withUtil('withinCheckTimeout echo fine', [], { checkTimeout: '1' })).toMatchObject({ exitCode: 0, stdout: 'fine' })
  })

  test('portAnswers succeeds for a listening port and fails for a closed one', async () => {
    const server = createServer((socket) => socket.end())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
    const port = (server.address() as AddressInfo).port
    expect((await withUtil('portAnswers "$1" 127.0.0.1', [String(port)], { checkTimeout: '2' })).exitCode).toBe(0)
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const closedPort = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    expect((await withUtil('portAnswers "$1" 127.0.0.1', [String(closedPort)], { checkTimeout: '2' })).exitCode).not.toBe(0)
  })

  test('urlEncodePath, lastLineOf and joinList', async () => {
    expect((await withUtil('urlEncodePath "a b/ü%#x~y_z-1.2"')).stdout).toBe('a%20b%2F%C3%BC%25%23x~y_z-1.2')
    expect((await withUtil('lastLineOf "$(printf "one\\n  two  \\n\\n   \\n")"')).stdout).toBe('  two  ')
    expect((await withUtil('lastLineOf ""')).stdout).toBe('')
    expect((await withUtil('joinList a "b c" d')).stdout).toBe('a, b c, d')
  })
})

describe('modules/lib/util', () => {
  test('puts the installation bin/ first on PATH', async () => {
    const { stdout } = await withUtil('echo "${PATH%%:*}"; command -v dysnomia-addusers')
    expect(stdout).toBe(`${binDir()}\n${join(binDir(), 'dysnomia-addusers')}`)
  })

  test('composes the store paths from the state dir and the names', async () => {
    const result = await withUtil(
      'composeUtilityVariables /m/mysql-database /srv/testdb my-container; composeSnapshotsPath; composeGenerationsPath; composeChecksumPath; composeGarbagePath; composeActivatedPath',
      [],
      { DYSNOMIA_STATEDIR: '/state' },
    )
    expect(result.stdout).toBe(
      ['snapshots', 'generations', 'checksums', 'garbage', 'activated'].map((area) => `/state/${area}/my-container/testdb`).join('\n'),
    )
  })

  test.runIf(runsHere(rootPrecondition(), 'root'))('checkStateDir defaults to /var/state/dysnomia for root and keeps a configured one', async () => {
    expect((await withUtil('checkStateDir; echo "$DYSNOMIA_STATEDIR"')).stdout).toBe('/var/state/dysnomia')
    expect((await withUtil('checkStateDir; echo "$DYSNOMIA_STATEDIR"', [], { DYSNOMIA_STATEDIR: '/elsewhere' })).stdout).toBe('/elsewhere')
  })

  test('refuses store operations before composeUtilityVariables', async () => {
    const result = await withUtil('markComponentAsActive', [], { DYSNOMIA_STATEDIR: '/nonexistent' })
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('containerName and componentName must be set (call composeUtilityVariables first)')
  })

  test('determineLastSnapshot prints nothing without generations', async () => {
    const stateDir = await testDir()
    const result = await withUtil('composeUtilityVariables /m/fileset /srv/web ""; determineLastSnapshot', [], { DYSNOMIA_STATEDIR: stateDir })
    expect(result).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
  })

  test('waitForFile, waitForDirectory and waitForSocket wait for a path and warn about its kind', async () => {
    const dir = await testDir()
    await writeFile(join(dir, 'file'), '')
    await mkdir(join(dir, 'dir'))
    expect(await withUtil('waitForFile "$1" 3 && echo ok', [join(dir, 'file')])).toMatchObject({ stdout: 'ok', stderr: '' })
    expect(await withUtil('waitForDirectory "$1" 3 && echo ok', [join(dir, 'dir')])).toMatchObject({ stdout: 'ok', stderr: '' })
    expect(await withUtil('waitForSocket "$1" 3 && echo ok', [join(dir, 'file')])).toMatchObject({
      stdout: 'ok',
      stderr: `Expecting ${join(dir, 'file')} to be a socket, but it is not!`,
    })
    // Appears while waiting.
    const appearing = withUtil('waitForFile "$1" 5 && echo ok', [join(dir, 'later')])
    setTimeout(() => void writeFile(join(dir, 'later'), ''), 300)
    expect(await appearing).toMatchObject({ exitCode: 0, stdout: 'ok', stderr: `Waiting for the file: ${join(dir, 'later')} to become available...` })
  })

  test('waitForFile exits the module when the file does not appear in time', async () => {
    const dir = await testDir()
    const missing = join(dir, 'missing')
    expect(await withUtil('waitForFile "$1" 2; echo not reached', [missing])).toEqual(
      expect.objectContaining({
        exitCode: 1,
        stdout: '',
        stderr: `Waiting for the file: ${missing} to become available...\nThe file: ${missing} does not appear within 2 seconds!`,
      }),
    )
  })

  test('waitForPort probes a TCP port without nc', async () => {
    const server = createServer((socket) => socket.end())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
    const { port } = server.address() as AddressInfo
    expect(await withUtil('waitForPort "$1" 3 && echo open', [String(port)])).toMatchObject({ exitCode: 0, stdout: 'open', stderr: '' })

    // A port that was free a moment ago.
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const closedPort = (probe.address() as AddressInfo).port
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    expect(await withUtil('waitForPort "$1" 2; echo not reached', [String(closedPort)])).toMatchObject({
      exitCode: 1,
      stdout: '',
      stderr: `Waiting for port: ${closedPort} to become available...\nThe port: ${closedPort} did not become available within 2 seconds!`,
    })
  })

  test('attemptSeveralTimes retries a command a second apart', async () => {
    const dir = await testDir()
    const marker = join(dir, 'marker')
    // Fails the first time (creating the marker), succeeds the second time.
    const flaky = await withUtil('attemptSeveralTimes "mkdir $1" 3 && echo done', [marker])
    expect(flaky.stdout).toBe('done')
    expect(flaky.stderr).toBe('')
    const secondTime = await withUtil('attemptSeveralTimes "mkdir $1" 3 || echo gave up', [marker])
    expect(secondTime.stdout).toBe('gave up')
    expect(secondTime.stderr).toContain('Commmand failed, trying again in a second...\n')
    expect(secondTime.stderr).toContain('Still does not work after 3 attempts!')
  })

  test('waitUntilReady runs a command until it succeeds, within a timeout, and says what it waits for', async () => {
    const dir = await testDir()
    const marker = join(dir, 'marker')
    // Fails the first time (creating the marker), succeeds the second time.
    const ready = await withUtil('waitUntilReady 5 "the server" sh -c \'test -e "$0" || { touch "$0"; exit 1; }\' "$1" && echo ready', [marker])
    expect(ready).toMatchObject({ exitCode: 0, stdout: 'ready', stderr: 'Waiting for the server...' })
    const never = await withUtil('waitUntilReady 2 "the server" sh -c "echo starting up; exit 1" || echo gave up')
    expect(never.stdout).toBe('gave up')
    expect(never.stderr).toBe('Waiting for the server...\nthe server: not ready within 2 seconds: starting up')
  })
})
