import { mkdir, readdir, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { DisnixError, hasErrorCode, isDisnixError, runCommand, type ProgressSink } from '@disnix-ts/libmain'
import { propertiesToEnv, readConfigFile } from './config-file.js'

export interface UserManagementOptions {
  /** The environment `$(...)` lines of the specification files are evaluated in, and PATH for the tools. */
  env: NodeJS.ProcessEnv
  /** Receives the original's notices ("User: NAME already exists!"). */
  progress: ProgressSink
  cwd?: string
}

/**
 * `dysnomia-addgroups PATH`: creates the group of a specification file, or of every file in
 * `PATH/dysnomia-support/groups`. Existing groups are left alone (idempotent). If a later group fails,
 * the groups created by this call are removed again.
 */
export async function addGroups(path: string, options: UserManagementOptions): Promise<void> {
  const created: string[] = []
  try {
    for (const spec of await specificationFiles(path, 'groups')) {
      const name = specName(spec)
      const props = await readSpec(spec, options)
      const existing = await lookup(['getent', 'group', name], options)
      if (existing !== undefined) {
        options.progress({ kind: 'message', text: `Group: ${name} already exists!` })
        const actualGid = existing.split(':')[2]?.trim()
        if (props.gid && actualGid !== props.gid) {
          // The original's text says "uid" here; kept so that scripts grepping for it still match.
          options.progress({
            kind: 'message',
            text: `${name} already has uid: ${actualGid}, while: ${props.gid} was requested! Old gid will be retained!`,
          })
        }
        continue
      }
      await tool('groupadd', [...(props.gid ? ['-g', props.gid] : []), name], `creating group: ${name}`, options)
      created.push(name)
    }
  } catch (error) {
    await undo(created.reverse(), 'groupdel', options)
    throw error
  }
}

/**
 * `dysnomia-addusers PATH`: creates the user of a specification file, or of every file in
 * `PATH/dysnomia-support/users`, with useradd's arguments in the original's order. A file with
 * `createHomeDirOnly=1` only creates the home directory. If a later user fails, the users created by
 * this call are removed again.
 */
export async function addUsers(path: string, options: UserManagementOptions): Promise<void> {
  const created: string[] = []
  try {
    for (const spec of await specificationFiles(path, 'users')) {
      const name = specName(spec)
      const props = await readSpec(spec, options)
      if (props.createHomeDirOnly === '1') {
        if (props.homeDir && props.createHomeDir === '1') await mkdir(props.homeDir, { recursive: true })
        continue
      }
      const existingUid = await lookup(['id', '-u', name], options)
      if (existingUid !== undefined) {
        options.progress({ kind: 'message', text: `User: ${name} already exists!` })
        if (props.uid && existingUid.trim() !== props.uid) {
          options.progress({
            kind: 'message',
            text: `${name} already has uid: ${existingUid.trim()}, while: ${props.uid} was requested! Old uid will be retained!`,
          })
        }
        continue
      }
      await tool('useradd', useraddArgs(name, props), `creating user: ${name}`, options, [props.password ?? ''])
      created.push(name)
    }
  } catch (error) {
    await undo(created.reverse(), 'userdel', options)
    throw error
  }
}

/** `dysnomia-delusers PATH`: removes the users that exist (home directories are kept). */
export async function delUsers(path: string, options: UserManagementOptions): Promise<void> {
  for (const spec of await specificationFiles(path, 'users')) {
    const name = specName(spec)
    const props = await readSpec(spec, options)
    if (props.createHomeDirOnly === '1') continue
    if ((await lookup(['id', '-u', name], options)) !== undefined) await tool('userdel', [name], `removing user: ${name}`, options)
  }
}

/** `dysnomia-delgroups PATH`: removes the groups that exist. */
export async function delGroups(path: string, options: UserManagementOptions): Promise<void> {
  for (const spec of await specificationFiles(path, 'groups')) {
    const name = specName(spec)
    await readSpec(spec, options)
    if ((await lookup(['getent', 'group', name], options)) !== undefined) await tool('groupdel', [name], `removing group: ${name}`, options)
  }
}

/** useradd's arguments in the exact order of the original (spec §6); each value is one argument. */
export function useraddArgs(name: string, props: Readonly<Record<string, string>>): string[] {
  const args: string[] = []
  if (props.uid) args.push('-u', props.uid)
  if (props.password) args.push('-p', props.password)
  if (props.group) args.push('-g', props.group)
  if (props.description) args.push('-c', props.description)
  args.push('-d', props.homeDir || '/dev/null')
  if (props.shell) args.push('-s', props.shell)
  if (props.createHomeDir === '1') args.push('-m')
  args.push(name)
  return args
}

/**
 * The specification files for a path: the file itself, or the entries of
 * `PATH/dysnomia-support/KIND` in `ls` order. QUIRK B.11: an empty directory made the original's `ls`
 * list the working directory; here it is a no-op.
 */
export async function specificationFiles(path: string, kind: 'users' | 'groups'): Promise<string[]> {
  let info
  try {
    info = await stat(path)
  } catch (error) {
    if (path === '' || hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) {
      throw new DisnixError('INVALID_PATH', `ERROR: The path: ${path} is not valid!`)
    }
    throw error
  }
  if (info.isFile()) return [path]
  const dir = join(path, 'dysnomia-support', kind)
  try {
    if (!(await stat(dir)).isDirectory()) return []
    const names = (await readdir(dir)).filter((name) => !name.startsWith('.')).sort()
    return names.map((name) => join(dir, name))
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return []
    throw error
  }
}

function specName(spec: string): string {
  const name = basename(spec)
  // A name starting with '-' would reach useradd/groupadd as an option.
  if (name.startsWith('-') || /[\s:]/.test(name)) {
    throw new DisnixError('INVALID_NAME', `ERROR: Invalid user or group name: ${JSON.stringify(name)} (file: ${spec})`)
  }
  return name
}

async function readSpec(spec: string, options: UserManagementOptions): Promise<Record<string, string>> {
  return propertiesToEnv(await readConfigFile(spec, { env: options.env, cwd: options.cwd }))
}

/** The tools live in sbin, which a non-login PATH may lack. */
function toolEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, PATH: [env.PATH, '/usr/sbin', '/sbin', '/usr/bin', '/bin'].filter(Boolean).join(':') }
}

/** Runs a lookup (`getent`, `id`); its stdout when the entry exists, undefined when it does not. */
async function lookup(argv: [string, ...string[]], options: UserManagementOptions): Promise<string | undefined> {
  const [file, ...args] = argv
  const { execa } = await import('execa')
  const result = await execa(file, args, { env: toolEnv(options.env), extendEnv: false, reject: false, stdin: 'ignore', encoding: 'utf8' })
  if (result.exitCode === undefined) {
    throw new DisnixError('COMMAND_NOT_FOUND', `Cannot run ${file}: ${result.shortMessage}`, { cause: result })
  }
  return result.exitCode === 0 ? String(result.stdout) : undefined
}

async function tool(file: string, args: string[], step: string, options: UserManagementOptions, secrets: string[] = []): Promise<void> {
  await runCommand(file, args, { step: `ERROR: ${step}`, env: toolEnv(options.env), cleanEnv: true, cwd: options.cwd, secrets: secrets.filter(Boolean) })
}

async function undo(names: string[], file: 'userdel' | 'groupdel', options: UserManagementOptions): Promise<void> {
  for (const name of names) {
    try {
      await tool(file, [name], `removing ${name} again`, options)
    } catch (error) {
      if (!isDisnixError(error)) throw error
      options.progress({ kind: 'message', text: `WARNING: could not remove ${name} again: ${error.message}` })
    }
  }
}
