// Bad input to the Dysnomia tools (issue 16): each case must end with exit status 1 and one message
// naming the culprit, without a stack trace, and must change nothing on disk. Tests run as root, for
// whom permissions do not stop reads: the cases with unreadable files and directories run the tool
// as the unprivileged user nobody (setpriv), as an ordinary user would meet them.
import { chmod, lstat, mkdir, readdir, readlink, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { installRoot } from '@disnix-ts/libmain'
import { isRoot, testDir, runsHere, rootPrecondition } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'

interface Fixture {
  root: string
  /** A component directory everybody may read. */
  component: string
  /** A container configuration file only root may read. */
  secretContainer: string
  /** A directory only root may enter: unreadable for nobody. */
  closedDir: string
  /** A snapshot store everybody may read but only root may change, with two generations. */
  readOnlyStore: string
  /** A snapshot store whose generations/<container> dir only root may read. */
  closedContainerStore: string
  /** The working directory of the tool (a relative type would run there). */
  cwd: string
}

async function fixture(): Promise<Fixture> {
  const root = await testDir('dysnomia-bad-input-')
  await chmod(root, 0o755)
  const component = join(root, 'component')
  await mkdir(component, { mode: 0o755 })
  await writeFile(join(component, 'data'), 'data\n', { mode: 0o644 })

  const open = join(root, 'open')
  await mkdir(open, { mode: 0o755 })
  const secretContainer = join(open, 'secret-container')
  await writeFile(secretContainer, 'type=echo\npassword=xyz\n', { mode: 0o600 })

  const closedDir = join(root, 'closed')
  await mkdir(closedDir, { mode: 0o700 })
  await writeFile(join(closedDir, 'echo'), 'type=echo\n', { mode: 0o600 })
  await mkdir(join(closedDir, 'generations', 'c', 'x'), { recursive: true })

  const readOnlyStore = join(root, 'read-only-store')
  for (const id of ['aaaa', 'bbbb']) {
    await mkdir(join(readOnlyStore, 'snapshots', 'db', 'testdb', id), { recursive: true })
    await writeFile(join(readOnlyStore, 'snapshots', 'db', 'testdb', id, 'dump'), `${id}\n`)
  }
  await mkdir(join(readOnlyStore, 'generations', 'db', 'testdb'), { recursive: true })
  await symlink('../../../snapshots/db/testdb/aaaa', join(readOnlyStore, 'generations', 'db', 'testdb', '1'))
  await symlink('../../../snapshots/db/testdb/bbbb', join(readOnlyStore, 'generations', 'db', 'testdb', '2'))
  await chmodTree(readOnlyStore, 0o755, 0o644)

  const closedContainerStore = join(root, 'closed-container-store')
  await mkdir(join(closedContainerStore, 'generations', 'db', 'testdb'), { recursive: true })
  await chmodTree(closedContainerStore, 0o755, 0o644)
  await chmod(join(closedContainerStore, 'generations', 'db'), 0o700)

  const cwd = join(root, 'cwd')
  await mkdir(cwd, { mode: 0o777 })
  return { root, component, secretContainer, closedDir, readOnlyStore, closedContainerStore, cwd }
}

async function chmodTree(dir: string, dirMode: number, fileMode: number): Promise<void> {
  await chmod(dir, dirMode)
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) await chmodTree(path, dirMode, fileMode)
    else if (entry.isFile()) await chmod(path, fileMode)
  }
}

/** Every path below `dir` with its kind, mode, size, link target and modification time. */
async function treeState(dir: string): Promise<string[]> {
  const lines: string[] = []
  const walk = async (path: string): Promise<void> => {
    const info = await lstat(path)
    const target = info.isSymbolicLink() ? ` -> ${await readlink(path)}` : ''
    lines.push(`${path} ${info.mode.toString(8)} ${info.size} ${info.mtimeMs}${target}`)
    if (info.isDirectory()) for (const name of (await readdir(path)).sort()) await walk(join(path, name))
  }
  await walk(dir)
  return lines
}

interface Case {
  name: string
  tool: string
  args: (f: Fixture) => string[]
  env?: (f: Fixture) => Record<string, string>
  /** Run as the unprivileged user nobody instead of root. */
  asNobody?: boolean
  /** The one message, naming the culprit. */
  message: (f: Fixture) => RegExp
  /** Progress lines the tool prints before it meets the problem (the original's, kept). */
  progress?: string[]
}

const cases: Case[] = [
  {
    name: 'dysnomia --container F with an unreadable F',
    tool: 'dysnomia',
    args: (f) => ['--operation', 'activate', '--component', f.component, '--container', f.secretContainer],
    asNobody: true,
    message: (f) => literal(`Cannot read configuration file: ${f.secretContainer}: permission denied`),
  },
  {
    name: 'dysnomia --container NAME with an unreadable DYSNOMIA_CONTAINERS_PATH directory',
    tool: 'dysnomia',
    args: (f) => ['--operation', 'activate', '--component', f.component, '--container', 'echo'],
    env: (f) => ({ DYSNOMIA_CONTAINERS_PATH: f.closedDir }),
    asNobody: true,
    message: (f) => literal(`Cannot look for the container configuration: ${join(f.closedDir, 'echo')}: permission denied`),
  },
  {
    name: 'dysnomia --component NAME with an unreadable DYSNOMIA_COMPONENTS_PATH directory',
    tool: 'dysnomia',
    args: () => ['--operation', 'activate', '--component', 'web', '--type', 'echo', '--environment'],
    env: (f) => ({ DYSNOMIA_COMPONENTS_PATH: f.closedDir }),
    asNobody: true,
    message: (f) => literal(`Cannot look for the component: ${join(f.closedDir, 'echo', 'web')}: permission denied`),
  },
  {
    name: 'dysnomia --type NAME with an unreadable DYSNOMIA_MODULES_PATH directory',
    tool: 'dysnomia',
    args: (f) => ['--operation', 'activate', '--component', f.component, '--type', 'echo', '--environment'],
    env: (f) => ({ DYSNOMIA_MODULES_PATH: f.closedDir }),
    asNobody: true,
    message: (f) => literal(`Cannot look for the module: ${join(f.closedDir, 'echo')}: permission denied`),
  },
  {
    name: 'dysnomia --type with a relative path that leaves the modules path',
    tool: 'dysnomia',
    args: (f) => ['--type', '../../../../usr/bin/touch', '--operation', 'activate', '--component', f.component, '--environment'],
    message: () => literal(`ERROR: Invalid module type: "../../../../usr/bin/touch": a type is either a module name without '/'`),
  },
  {
    name: 'dysnomia --type ..',
    tool: 'dysnomia',
    args: (f) => ['--type', '..', '--operation', 'activate', '--component', f.component, '--environment'],
    message: () => literal('ERROR: Invalid module type: "..": '),
  },
  {
    name: 'dysnomia --operation with a typo',
    tool: 'dysnomia',
    args: (f) => ['--operation', 'activte', '--component', f.component, '--type', 'echo', '--environment'],
    message: () => literal('ERROR: Unknown operation: "activte" (did you mean activate?); the operations are: activate, deactivate, lock, unlock, snapshot, restore, collect-garbage, shell, check'),
  },
  {
    name: 'dysnomia --operation that is no operation at all',
    tool: 'dysnomia',
    args: (f) => ['--operation', 'rm -rf /', '--component', f.component, '--type', 'echo', '--environment'],
    message: () => literal('ERROR: Unknown operation: "rm -rf /"; the operations are: '),
  },
  ...(['--query-all', '--query-latest', '--gc'] as const).map(
    (operation): Case => ({
      name: `dysnomia-snapshots ${operation} on an unreadable DYSNOMIA_STATEDIR`,
      tool: 'dysnomia-snapshots',
      args: () => [operation],
      env: (f) => ({ DYSNOMIA_STATEDIR: f.closedDir }),
      asNobody: true,
      message: (f) => literal(`Cannot read directory: ${join(f.closedDir, 'generations')}: permission denied`),
    }),
  ),
  {
    name: 'dysnomia-snapshots --print-missing on an unreadable DYSNOMIA_STATEDIR',
    tool: 'dysnomia-snapshots',
    args: () => ['--print-missing', 'db/testdb/aaaa'],
    env: (f) => ({ DYSNOMIA_STATEDIR: f.closedDir }),
    asNobody: true,
    message: (f) => literal(`Cannot look for: ${join(f.closedDir, 'snapshots', 'db', 'testdb', 'aaaa')}: permission denied`),
  },
  {
    name: 'dysnomia-snapshots --query-all with an unreadable container directory in the store',
    tool: 'dysnomia-snapshots',
    args: () => ['--query-all'],
    env: (f) => ({ DYSNOMIA_STATEDIR: f.closedContainerStore }),
    asNobody: true,
    message: (f) => literal(`Cannot read directory: ${join(f.closedContainerStore, 'generations', 'db')}: permission denied`),
  },
  {
    name: 'dysnomia-snapshots --gc on a store it may read but not change',
    tool: 'dysnomia-snapshots',
    args: () => ['--gc'],
    env: (f) => ({ DYSNOMIA_STATEDIR: f.readOnlyStore }),
    asNobody: true,
    progress: ['Removing old generation symlink: db/testdb/1'],
    message: (f) => literal(`Cannot remove the generation link: ${join(f.readOnlyStore, 'generations', 'db', 'testdb', '1')}: permission denied`),
  },
  {
    name: 'dysnomia-containers --query-containers on an unreadable DYSNOMIA_CONTAINERS_PATH directory',
    tool: 'dysnomia-containers',
    args: () => ['--query-containers'],
    env: (f) => ({ DYSNOMIA_CONTAINERS_PATH: f.closedDir }),
    asNobody: true,
    message: (f) => literal(`Cannot read directory: ${f.closedDir}: permission denied`),
  },
  {
    name: 'dysnomia-containers --query-available-components on an unreadable DYSNOMIA_COMPONENTS_PATH directory',
    tool: 'dysnomia-containers',
    args: () => ['--query-available-components'],
    env: (f) => ({ DYSNOMIA_COMPONENTS_PATH: f.closedDir }),
    asNobody: true,
    message: (f) => literal(`Cannot read directory: ${f.closedDir}: permission denied`),
  },
  {
    name: 'dysnomia-containers --generate-expr on an unreadable DYSNOMIA_CONTAINERS_PATH directory',
    tool: 'dysnomia-containers',
    args: () => ['--generate-expr'],
    env: (f) => ({ DYSNOMIA_CONTAINERS_PATH: f.closedDir, DYSNOMIA_PROPERTIES: join(f.root, 'no-properties') }),
    asNobody: true,
    message: (f) => literal(`Cannot read directory: ${f.closedDir}: permission denied`),
  },
  {
    name: 'dysnomia-containers --generate-expr with an unreadable container configuration',
    tool: 'dysnomia-containers',
    args: () => ['--generate-expr'],
    env: (f) => ({ DYSNOMIA_CONTAINERS_PATH: join(f.root, 'open'), DYSNOMIA_PROPERTIES: join(f.root, 'no-properties') }),
    asNobody: true,
    message: (f) => literal(`Cannot read configuration file: ${f.secretContainer}: permission denied`),
  },
  {
    name: 'dysnomia-containers --generate-expr with an unreadable DYSNOMIA_PROPERTIES file',
    tool: 'dysnomia-containers',
    args: () => ['--generate-expr'],
    env: (f) => ({ DYSNOMIA_CONTAINERS_PATH: join(f.root, 'none'), DYSNOMIA_PROPERTIES: f.secretContainer }),
    asNobody: true,
    message: (f) => literal(`Cannot read configuration file: ${f.secretContainer}: permission denied`),
  },
  {
    name: 'dysnomia-containers --operation with a typo',
    tool: 'dysnomia-containers',
    args: () => ['--operation', 'snapshto'],
    env: (f) => ({ DYSNOMIA_STATEDIR: f.readOnlyStore }),
    message: () => literal('ERROR: Unknown operation: "snapshto" (did you mean snapshot?)'),
  },
]

function literal(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)
}

async function runTool(c: Case, f: Fixture): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const bin = join(installRoot(), 'bin', c.tool)
  const command = c.asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', bin] : [bin]
  const result = await execa(command[0] as string, [...command.slice(1), ...c.args(f)], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: f.cwd, DYSNOMIA_STATEDIR: join(f.root, 'state'), ...c.env?.(f) },
    extendEnv: false,
    cwd: f.cwd,
    stdin: 'ignore',
    reject: false,
    timeout: 60_000,
  })
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 }
}

describe.runIf(runsHere(rootPrecondition(), 'root'))('bad input to the Dysnomia tools', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s: exit 1, one message naming the culprit, nothing changed', async (_name, c) => {
    const f = await fixture()
    const before = await treeState(f.root)
    const result = await runTool(c, f)
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /)
    const lines = result.stderr.split('\n').filter((line) => line !== '')
    expect(lines.slice(0, -1), result.stderr).toEqual(c.progress ?? [])
    expect(lines.at(-1)).toMatch(c.message(f))
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toBe('')
    expect(await treeState(f.root)).toEqual(before)
  })
})
