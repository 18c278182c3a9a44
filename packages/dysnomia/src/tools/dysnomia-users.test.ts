import { randomBytes } from 'node:crypto'
import { mkdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterEach, describe, expect, test } from 'vitest'
import { isRoot, runBin, testDir, runsHere, rootPrecondition } from '@disnix-ts/test-utils'

// These tests create and remove real users and groups, with unique names, and clean up after
// themselves; they need root.
const created: { users: string[]; groups: string[] } = { users: [], groups: [] }

afterEach(async () => {
  for (const user of created.users.splice(0)) await execa('userdel', [user], { reject: false })
  for (const group of created.groups.splice(0)) await execa('groupdel', [group], { reject: false })
})

function uniqueName(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`
}

async function getent(database: 'passwd' | 'group', name: string): Promise<string | undefined> {
  const result = await execa('getent', [database, name], { reject: false })
  return result.exitCode === 0 ? result.stdout : undefined
}

async function freeId(database: 'passwd' | 'group'): Promise<number> {
  for (let id = 40000 + Math.floor(Math.random() * 10000); ; id++) {
    if ((await execa('getent', [database, String(id)], { reject: false })).exitCode !== 0) return id
  }
}

/** A component with dysnomia-support/users and /groups holding one user and one group. */
async function userComponent() {
  const dir = await testDir('dysnomia-users-')
  const user = uniqueName('dxtu')
  const group = uniqueName('dxtg')
  created.users.push(user)
  created.groups.push(group)
  const gid = await freeId('group')
  const uid = await freeId('passwd')
  const home = join(dir, 'home', user)
  await mkdir(join(dir, 'component', 'dysnomia-support', 'users'), { recursive: true })
  await mkdir(join(dir, 'component', 'dysnomia-support', 'groups'), { recursive: true })
  await writeFile(join(dir, 'component', 'dysnomia-support', 'groups', group), `gid=${gid}\n`)
  await writeFile(
    join(dir, 'component', 'dysnomia-support', 'users', user),
    [
      '# a test user',
      `uid=${uid}`,
      `group=${group}`,
      'description="Test user, with spaces; \\"quotes\\" and $(echo computed)"',
      `homeDir="${home}"`,
      'createHomeDir=1',
      'shell=/bin/sh',
    ].join('\n'),
  )
  return { dir, component: join(dir, 'component'), user, group, uid, gid, home }
}

describe.runIf(runsHere(rootPrecondition(), 'root'))('dysnomia-addusers/-addgroups/-delusers/-delgroups (real accounts, as root)', () => {
  test('creates the group and the user with all properties, idempotently, and removes them again', async () => {
    const c = await userComponent()
    expect(await runBin('dysnomia-addgroups', [c.component])).toEqual({ stdout: '', stderr: '', exitCode: 0 })
    expect(await getent('group', c.group)).toBe(`${c.group}:x:${c.gid}:`)
    expect(await runBin('dysnomia-addusers', [c.component])).toEqual({ stdout: '', stderr: '', exitCode: 0 })
    const passwd = (await getent('passwd', c.user))?.split(':')
    expect(passwd).toEqual([c.user, 'x', String(c.uid), String(c.gid), 'Test user, with spaces; "quotes" and computed', c.home, '/bin/sh'])
    expect((await stat(c.home)).isDirectory()).toBe(true)

    // Running again changes nothing and says so.
    expect(await runBin('dysnomia-addgroups', [c.component])).toEqual({ stdout: '', stderr: `Group: ${c.group} already exists!\n`, exitCode: 0 })
    expect(await runBin('dysnomia-addusers', [c.component])).toEqual({ stdout: '', stderr: `User: ${c.user} already exists!\n`, exitCode: 0 })

    expect(await runBin('dysnomia-delusers', [c.component])).toEqual({ stdout: '', stderr: '', exitCode: 0 })
    expect(await getent('passwd', c.user)).toBeUndefined()
    // The home directory is kept, as the original does.
    expect((await stat(c.home)).isDirectory()).toBe(true)
    expect(await runBin('dysnomia-delgroups', [c.component])).toEqual({ stdout: '', stderr: '', exitCode: 0 })
    expect(await getent('group', c.group)).toBeUndefined()

    // Deleting again is a no-op.
    expect(await runBin('dysnomia-delusers', [c.component])).toEqual({ stdout: '', stderr: '', exitCode: 0 })
    expect(await runBin('dysnomia-delgroups', [c.component])).toEqual({ stdout: '', stderr: '', exitCode: 0 })
  })

  test('a single specification file works too, and a different requested id is reported', async () => {
    const dir = await testDir('dysnomia-users-')
    const group = uniqueName('dxtg')
    created.groups.push(group)
    const file = join(dir, group)
    await writeFile(file, '')
    expect((await runBin('dysnomia-addgroups', [file])).exitCode).toBe(0)
    const gid = (await getent('group', group))?.split(':')[2]
    const other = await freeId('group')
    await writeFile(file, `gid=${other}\n`)
    expect(await runBin('dysnomia-addgroups', [file])).toEqual({
      stdout: '',
      stderr: `Group: ${group} already exists!\n${group} already has uid: ${gid}, while: ${other} was requested! Old gid will be retained!\n`,
      exitCode: 0,
    })

    const user = uniqueName('dxtu')
    created.users.push(user)
    const userFile = join(dir, user)
    await writeFile(userFile, `group=${group}\n`)
    expect((await runBin('dysnomia-addusers', [userFile])).exitCode).toBe(0)
    const passwd = (await getent('passwd', user))?.split(':')
    expect(passwd?.[5]).toBe('/dev/null')
    expect(passwd?.[3]).toBe(gid)
  })

  test('createHomeDirOnly only creates the home directory', async () => {
    const dir = await testDir('dysnomia-users-')
    const user = uniqueName('dxtu')
    created.users.push(user)
    const home = join(dir, 'homes', user)
    await mkdir(join(dir, 'c', 'dysnomia-support', 'users'), { recursive: true })
    await writeFile(join(dir, 'c', 'dysnomia-support', 'users', user), `homeDir=${home}\ncreateHomeDir=1\ncreateHomeDirOnly=1\n`)
    expect(await runBin('dysnomia-addusers', [join(dir, 'c')])).toEqual({ stdout: '', stderr: '', exitCode: 0 })
    expect((await stat(home)).isDirectory()).toBe(true)
    expect(await getent('passwd', user)).toBeUndefined()
    expect(await runBin('dysnomia-delusers', [join(dir, 'c')])).toEqual({ stdout: '', stderr: '', exitCode: 0 })
  })

  test('when a later user fails, the users created before it are removed again', async () => {
    const dir = await testDir('dysnomia-users-')
    const first = uniqueName('dxta')
    const second = uniqueName('dxtz')
    created.users.push(first, second)
    await mkdir(join(dir, 'c', 'dysnomia-support', 'users'), { recursive: true })
    await writeFile(join(dir, 'c', 'dysnomia-support', 'users', first), '')
    await writeFile(join(dir, 'c', 'dysnomia-support', 'users', second), `group=${uniqueName('nosuchgroup')}\n`)
    const result = await runBin('dysnomia-addusers', [join(dir, 'c')])
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(new RegExp(`^ERROR: creating user: ${second}: failed \\(exit status \\d+\\)\\n`))
    expect(result.exitCode).toBe(1)
    expect(await getent('passwd', first)).toBeUndefined()
    expect(await getent('passwd', second)).toBeUndefined()
  })
})

describe('dysnomia user and group tools without changes', () => {
  test('a component without dysnomia-support, or with an empty directory, is a no-op (QUIRK B.11)', async () => {
    const dir = await testDir('dysnomia-users-')
    await mkdir(join(dir, 'empty', 'dysnomia-support', 'users'), { recursive: true })
    for (const tool of ['dysnomia-addusers', 'dysnomia-delusers', 'dysnomia-addgroups', 'dysnomia-delgroups']) {
      expect(await runBin(tool, [dir])).toEqual({ stdout: '', stderr: '', exitCode: 0 })
      expect(await runBin(tool, [join(dir, 'empty')])).toEqual({ stdout: '', stderr: '', exitCode: 0 })
    }
  })

  test.each(['dysnomia-addusers', 'dysnomia-delusers', 'dysnomia-addgroups', 'dysnomia-delgroups'])('%s rejects a missing path', async (tool) => {
    expect(await runBin(tool, ['/nonexistent/path'])).toEqual({ stdout: '', stderr: 'ERROR: The path: /nonexistent/path is not valid!\n', exitCode: 1 })
    expect(await runBin(tool, [])).toEqual({ stdout: '', stderr: 'ERROR: The path:  is not valid!\n', exitCode: 1 })
  })

  test('a malformed specification file names the file and line and creates nothing', async () => {
    const dir = await testDir('dysnomia-users-')
    const name = uniqueName('dxtg')
    const file = join(dir, name)
    await writeFile(file, 'gid=123 456\n')
    expect(await runBin('dysnomia-addgroups', [file])).toEqual({
      stdout: '',
      stderr: `${file}, line 1: unexpected text after the value (quote values that contain spaces): gid=123 456\n`,
      exitCode: 1,
    })
    expect(await getent('group', name)).toBeUndefined()
  })

  test('a name that would be read as an option is refused', async () => {
    const dir = await testDir('dysnomia-users-')
    await writeFile(join(dir, '-r'), '')
    const result = await runBin('dysnomia-delusers', [join(dir, '-r')])
    expect(result).toEqual({ stdout: '', stderr: `ERROR: Invalid user or group name: "-r" (file: ${join(dir, '-r')})\n`, exitCode: 1 })
  })

  test('--help documents the specification format, the environment and the exit status', async () => {
    for (const tool of ['dysnomia-addusers', 'dysnomia-delusers', 'dysnomia-addgroups', 'dysnomia-delgroups']) {
      const result = await runBin(tool, ['--help'])
      expect(result.exitCode).toBe(0)
      for (const text of ['--help', '--version', 'Environment:', 'Exit status:', 'dysnomia-support/']) expect(result.stdout).toContain(text)
    }
  })
})
