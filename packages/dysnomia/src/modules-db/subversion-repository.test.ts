import { existsSync } from 'node:fs'
import { mkdir, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { runBin } from '@disnix-ts/libmain/testing'
import { generations, latestSnapshot, makeComponent, runModule, sharedTempDir } from '@disnix-ts/test-servers'

const MODULE = 'subversion-repository'
let work: string
let stateDir: string
let baseDir: string
let props: Record<string, string>
let initialDump: string
let usersGid: number

beforeAll(async () => {
  work = await sharedTempDir('disnix-svnmod-')
  stateDir = join(work, 'state')
  baseDir = join(work, 'repos')
  props = { DYSNOMIA_STATEDIR: stateDir, svnBaseDir: baseDir, svnGroup: 'users' }
  usersGid = Number((await execa('getent', ['group', 'users'])).stdout.split(':')[2])
  // The initial state: a dump of a repository with one revision holding index.php.
  const seed = join(work, 'seed')
  await execa('svnadmin', ['create', seed])
  await commit(seed, 'index.php', '<?php echo "Hello world"; ?>\n')
  initialDump = Buffer.from((await execa('svnadmin', ['dump', '-q', seed], { encoding: 'buffer' })).stdout).toString('latin1')
})

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

async function commit(repository: string, file: string, content: string): Promise<void> {
  const source = join(work, `content-${file}`)
  await writeFile(source, content)
  await execa('svnmucc', ['-m', `add ${file}`, '-U', `file://${repository}`, 'put', source, file])
}

async function youngest(repository: string): Promise<string> {
  return (await execa('svnlook', ['youngest', repository])).stdout
}

/** The tree with the contents of every file at the youngest revision, to compare repositories exactly. */
async function fingerprint(repository: string): Promise<string> {
  const tree = (await execa('svnlook', ['tree', '--full-paths', repository])).stdout
  const files = tree.split('\n').filter((p) => p !== '' && !p.endsWith('/'))
  const contents = await Promise.all(files.map(async (f) => `${f}=${(await execa('svnlook', ['cat', repository, f])).stdout}`))
  return `${await youngest(repository)}\n${contents.join('\n')}`
}

async function ok(operation: string, component: string, env = props): Promise<string> {
  const result = await runModule(MODULE, operation, component, env)
  expect(result.exitCode, `${operation}: ${result.stderr}`).toBe(0)
  return result.stderr
}

describe('subversion-repository module', () => {
  test('runs the whole lifecycle: activate, snapshot, deactivate, collect-garbage, restore', async () => {
    const component = await makeComponent(work, 'testrepos', {})
    await writeFile(join(await makeComponent(component, 'subversion-repositories', {}), 'testrepos.dump'), initialDump, 'latin1')
    const repository = join(baseDir, 'testrepos')

    await ok('activate', component)
    expect((await execa('svn', ['cat', `file://${repository}/index.php`])).stdout).toContain('Hello world')
    expect((await stat(join(repository, 'db'))).gid).toBe(usersGid)
    expect((await stat(join(repository, 'db'))).mode & 0o2000).toBe(0o2000)
    await ok('activate', component)
    expect(await youngest(repository)).toBe('1')

    await ok('snapshot', component)
    await ok('snapshot', component)
    expect(await generations(stateDir, MODULE, 'testrepos')).toEqual(['1'])
    expect(existsSync(join(await latestSnapshot(stateDir, MODULE, 'testrepos'), 'dump.xz'))).toBe(true)

    await commit(repository, 'hello.php', '<?php echo "Bye world"; ?>\n')
    const expected = await fingerprint(repository)
    await ok('snapshot', component)
    expect(await generations(stateDir, MODULE, 'testrepos')).toEqual(['1', '2'])

    await ok('collect-garbage', component)
    expect(await fingerprint(repository)).toBe(expected)
    await ok('deactivate', component)
    await ok('deactivate', component)
    expect(await fingerprint(repository)).toBe(expected)
    await ok('collect-garbage', component)
    expect(existsSync(repository)).toBe(false)

    await ok('activate', component)
    expect(await youngest(repository)).toBe('1')
    await ok('restore', component)
    expect(await fingerprint(repository)).toBe(expected)
    expect((await stat(join(repository, 'db'))).gid).toBe(usersGid)
    // The whole history came back: revision 1 is still the initial one.
    expect((await execa('svnlook', ['tree', '-r', '1', '--full-paths', repository])).stdout).not.toContain('hello.php')
    await ok('snapshot', component)
    expect(await generations(stateDir, MODULE, 'testrepos')).toEqual(['1', '2'])
    // No staging directories are left next to the repository.
    expect((await execa('ls', ['-A', baseDir])).stdout.split('\n')).toEqual(['testrepos'])

    const args = ['--query-all', '--check', '--container', MODULE, '--component', 'testrepos']
    const check = await runBin('dysnomia-snapshots', args, { env: { DYSNOMIA_STATEDIR: stateDir } })
    expect(check.exitCode, check.stderr).toBe(0)
    expect(check.stdout).toBe(`${MODULE}/testrepos/1\n${MODULE}/testrepos/2\n`)
    await writeFile(join(stateDir, 'snapshots', MODULE, 'testrepos', '1', 'dump.xz'), 'junk')
    const corrupted = await runBin('dysnomia-snapshots', args, { env: { DYSNOMIA_STATEDIR: stateDir } })
    expect(corrupted.exitCode).not.toBe(0)
    expect(corrupted.stderr).toContain('Checksum mismatch detected for snapshot: subversion-repository/testrepos/1')
  })

  test('creates an empty repository for a component without dumps, also for a name with quotes and spaces', async () => {
    const name = `my "repo" it's`
    const component = await makeComponent(work, name, {})
    await ok('activate', component)
    expect(await youngest(join(baseDir, name))).toBe('0')
    await ok('snapshot', component)
    expect(await generations(stateDir, MODULE, name)).toEqual(['0'])
    await ok('deactivate', component)
    await ok('collect-garbage', component)
    expect(existsSync(join(baseDir, name))).toBe(false)
  })

  test('fails clearly without svnBaseDir and on a broken dump, leaving nothing behind', async () => {
    const component = await makeComponent(work, 'badrepos', { 'subversion-repositories/a.dump': 'this is not a dump\n' })
    const noBase = await runModule(MODULE, 'activate', component, { DYSNOMIA_STATEDIR: stateDir })
    expect(noBase.exitCode).not.toBe(0)
    expect(noBase.stderr).toBe('subversion-repository: the container property svnBaseDir is not set')

    const broken = await runModule(MODULE, 'activate', component, props)
    expect(broken.exitCode).not.toBe(0)
    expect(broken.stderr).toMatch(/svnadmin: E\d+/)
    expect(broken.stderr).toContain(`subversion-repository: cannot load the dump into repository: ${join(baseDir, 'badrepos')}`)
    expect(existsSync(join(baseDir, 'badrepos'))).toBe(false)
    expect((await execa('ls', ['-A', baseDir])).stdout).not.toContain('badrepos')
    expect(existsSync(join(stateDir, 'activated', MODULE, 'badrepos'))).toBe(false)

    const missing = await runModule(MODULE, 'snapshot', component, props)
    expect(missing.exitCode).not.toBe(0)
    expect(missing.stderr).toContain('subversion-repository: cannot determine the youngest revision of:')
  })

  test('check: healthy while the repository opens; failing once it is gone or broken', async () => {
    const component = await makeComponent(work, 'checkrepos', {})
    const repository = join(baseDir, 'checkrepos')
    const check = () => runModule(MODULE, 'check', component, props)

    expect(await check()).toEqual({ exitCode: 1, stdout: '', stderr: `Subversion repository: ${repository} does not exist` })
    await ok('activate', component)
    expect(await check()).toEqual({ exitCode: 0, stdout: `healthy: Subversion repository: ${repository} exists (youngest revision: 0)`, stderr: '' })

    await rm(join(repository, 'format'))
    await rm(join(repository, 'db', 'format'))
    const broken = await check()
    expect(broken.exitCode).toBe(1)
    expect(broken.stderr).toMatch(new RegExp(`^Subversion repository: ${repository} cannot be opened: svnlook: E\\d+: `))

    await rm(repository, { recursive: true })
    expect(await check()).toEqual({ exitCode: 1, stdout: '', stderr: `Subversion repository: ${repository} does not exist` })
    expect(await runModule(MODULE, 'check', component, { DYSNOMIA_STATEDIR: stateDir })).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'subversion-repository: the container property svnBaseDir is not set',
    })
  })

  test('shell prints the suggested commands', async () => {
    await mkdir(baseDir, { recursive: true })
    const component = await makeComponent(work, 'shellrepos', {})
    const r = await runModule(MODULE, 'shell', component, props)
    expect(r.exitCode).toBe(0)
    expect(r.stderr).toContain("control the 'shellrepos' Subversion repository")
    expect(r.stderr).toContain(`svn checkout file://${baseDir}/shellrepos`)
  })
})
