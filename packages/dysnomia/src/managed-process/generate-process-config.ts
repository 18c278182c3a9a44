// The managed-process module's stand-in for nix-processmgmt's `nixproc-generate-config`: translates
// a process-manager-agnostic JSON process configuration (the properties of nix-processmgmt's
// createManagedProcess) into the files the process-manager module for `processManager` deploys.
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { DisnixError, quoteShellArg, quoteShellArgs } from '@disnix-ts/libmain'
import { fileAccessError } from '../file-access-error.js'

/** The process managers this generator can translate for, and the module that deploys the result. */
export const GENERATED_PROCESS_MANAGERS = { supervisord: 'supervisord-program', sysvinit: 'sysvinit-script', disnix: 'process' } as const
export type GeneratedProcessManager = keyof typeof GENERATED_PROCESS_MANAGERS

export interface ProcessConfig {
  name: string
  description: string
  initialize: string
  /** The executable started in the foreground (supervisord) or daemonized by `daemon` (sysvinit, disnix). */
  foregroundProcess?: string
  foregroundProcessArgs: string[]
  /** An executable that daemonizes itself and writes `pidFile`. */
  daemon?: string
  daemonArgs: string[]
  pidFile?: string
  instanceName?: string
  path: string[]
  environment: Record<string, string>
  directory?: string
  umask?: string
  nice?: number
  user?: string
  credentials: { groups: Record<string, Record<string, string>>; users: Record<string, Record<string, string>> }
}

export interface ProcessDirs {
  stateDir: string
  runtimeDir: string
  logDir: string
  tmpDir: string
  cacheDir: string
}

export interface GeneratedFile {
  /** Path relative to the output directory. */
  path: string
  text?: string
  /** A relative symlink target instead of text. */
  link?: string
  mode?: number
}

/** nix-processmgmt's defaults: runtime, log and cache dirs below the state dir; /tmp for the system state dir. */
export function processDirs(options: Partial<ProcessDirs>): ProcessDirs {
  const stateDir = options.stateDir || '/var'
  return {
    stateDir,
    runtimeDir: options.runtimeDir || `${stateDir}/run`,
    logDir: options.logDir || `${stateDir}/log`,
    tmpDir: options.tmpDir || (stateDir === '/var' ? '/tmp' : `${stateDir}/tmp`),
    cacheDir: options.cacheDir || `${stateDir}/cache`,
  }
}

const NAME = /^[A-Za-z0-9_@][A-Za-z0-9_.@-]*$/
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Validates the JSON text of a process configuration (`file` names it in messages). */
export function parseProcessConfig(text: string, file: string): ProcessConfig {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new DisnixError('PROCESS_CONFIG_INVALID', `Invalid JSON in process configuration: ${file}: ${(error as Error).message}`)
  }
  const fail = (what: string): never => {
    throw new DisnixError('PROCESS_CONFIG_INVALID', `Invalid process configuration: ${file}: ${what}`)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('expected a JSON object')
  const raw = json as Record<string, unknown>
  const str = (key: string): string | undefined => {
    const value = raw[key]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'string') return fail(`"${key}" must be a string`)
    return value
  }
  const strList = (key: string): string[] | undefined => {
    const value = raw[key]
    if (value === undefined || value === null) return undefined
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' && typeof item !== 'number')) return fail(`"${key}" must be a list of strings`)
    return value.map(String)
  }
  const strMap = (value: unknown, what: string): Record<string, string> => {
    if (value === undefined || value === null) return {}
    if (typeof value !== 'object' || Array.isArray(value)) return fail(`${what} must be an object`)
    const result: Record<string, string> = {}
    for (const [key, item] of Object.entries(value)) {
      if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') fail(`${what}.${key} must be a string`)
      result[key] = String(item)
    }
    return result
  }

  const name = str('name') ?? fail('"name" is required')
  if (!NAME.test(name)) fail(`"name" must be a plain file name, not: ${name}`)
  for (const unsupported of ['overrides', 'postInstall']) {
    if (raw[unsupported] !== undefined && raw[unsupported] !== '' && raw[unsupported] !== null) fail(`"${unsupported}" is not supported (it needs Nix)`)
  }
  const process = str('process')
  const args = strList('args') ?? []
  const daemon = str('daemon') ?? process
  const foregroundProcess = str('foregroundProcess') ?? process
  if (daemon === undefined && foregroundProcess === undefined) fail('one of "process", "daemon" or "foregroundProcess" is required')
  const user = str('user')
  if (user !== undefined && !NAME.test(user)) fail(`"user" must be a user name, not: ${user}`)
  const environment = strMap(raw.environment, 'environment')
  for (const key of Object.keys(environment)) if (!ENV_NAME.test(key)) fail(`environment variable name: ${key}`)
  const niceValue = raw.nice
  if (niceValue !== undefined && niceValue !== null && !Number.isInteger(Number(niceValue))) fail('"nice" must be an integer')
  const umask = str('umask')
  if (umask !== undefined && !/^[0-7]{3,4}$/.test(umask)) fail(`"umask" must be octal, not: ${umask}`)
  const instanceName = str('instanceName')
  if (instanceName !== undefined && !NAME.test(instanceName)) fail(`"instanceName" must be a plain file name, not: ${instanceName}`)

  const credentialsRaw = raw.credentials ?? {}
  if (typeof credentialsRaw !== 'object' || credentialsRaw === null || Array.isArray(credentialsRaw)) fail('"credentials" must be an object')
  const credentialSet = (key: 'groups' | 'users'): Record<string, Record<string, string>> => {
    const set = (credentialsRaw as Record<string, unknown>)[key]
    if (set === undefined || set === null) return {}
    if (typeof set !== 'object' || Array.isArray(set)) return fail(`credentials.${key} must be an object`)
    const result: Record<string, Record<string, string>> = {}
    for (const [entry, props] of Object.entries(set)) {
      if (!NAME.test(entry)) fail(`credentials.${key} name: ${entry}`)
      result[entry] = strMap(props, `credentials.${key}.${entry}`)
      for (const prop of Object.keys(result[entry] ?? {})) if (!ENV_NAME.test(prop)) fail(`credentials.${key}.${entry} property: ${prop}`)
    }
    return result
  }

  return {
    name,
    description: str('description') ?? name,
    initialize: str('initialize') ?? '',
    foregroundProcess,
    foregroundProcessArgs: strList('foregroundProcessArgs') ?? [...args, ...(strList('foregroundProcessExtraArgs') ?? [])],
    daemon,
    daemonArgs: strList('daemonArgs') ?? [...args, ...(strList('daemonExtraArgs') ?? [])],
    pidFile: str('pidFile'),
    instanceName,
    path: strList('path') ?? [],
    environment,
    directory: str('directory'),
    umask,
    nice: niceValue === undefined || niceValue === null ? undefined : Number(niceValue),
    user,
    credentials: { groups: credentialSet('groups'), users: credentialSet('users') },
  }
}

/**
 * The files for one process manager (pure): a start script `bin/<name>` that sets up the process
 * environment and execs the process, the manager's configuration, and dysnomia-support files for
 * the credentials. `outDir` is where they will live (scripts refer to each other by absolute path).
 */
export function planProcessFiles(config: ProcessConfig, processManager: GeneratedProcessManager, dirs: ProcessDirs, outDir: string): GeneratedFile[] {
  const files: GeneratedFile[] = [...credentialFiles(config)]
  const startScript = join(outDir, 'bin', config.name)
  // supervisord keeps a foreground process; the others need a daemon, so a foreground process is
  // daemonized with libslack's daemon, as nix-processmgmt does.
  const foreground = processManager === 'supervisord' ? config.foregroundProcess !== undefined : config.daemon === undefined
  const pidFile = processPidFile(config, dirs)

  if (processManager === 'supervisord') {
    if (foreground) {
      files.push({ path: `bin/${config.name}`, text: startScriptText(config, [config.foregroundProcess ?? '', ...config.foregroundProcessArgs]), mode: 0o755 })
    } else {
      files.push({ path: `bin/${config.name}`, text: foregroundProxyText(config, pidFile), mode: 0o755 })
    }
    files.push({ path: `conf.d/${config.name}.conf`, text: supervisordProgramText(config, startScript) })
    return files
  }

  const invocation = foreground
    ? daemonizeCommand(config, pidFile, dirs, [config.foregroundProcess ?? '', ...config.foregroundProcessArgs])
    : asUser(config, [config.daemon ?? '', ...config.daemonArgs])
  files.push({ path: `bin/${config.name}`, text: startScriptText(config, invocation, !foreground && config.user !== undefined), mode: 0o755 })

  if (processManager === 'disnix') {
    files.push({ path: `etc/dysnomia/process/${config.name}`, text: `process=${quoteShellArg(startScript)}\npidFile=${quoteShellArg(pidFile)}\n` })
    return files
  }

  files.push({ path: `etc/rc.d/init.d/${config.name}`, text: initScriptText(config, startScript, pidFile), mode: 0o755 })
  for (const level of [2, 3, 4, 5]) files.push({ path: `etc/rc.d/rc${level}.d/S00${config.name}`, link: `../init.d/${config.name}` })
  for (const level of [0, 1, 6]) files.push({ path: `etc/rc.d/rc${level}.d/K99${config.name}`, link: `../init.d/${config.name}` })
  return files
}

/** Writes the planned files into a fresh `outDir` (replacing a previous generation of it). */
export async function writeProcessFiles(files: readonly GeneratedFile[], outDir: string): Promise<void> {
  const staging = `${outDir}.new-${process.pid}`
  try {
    await rm(staging, { recursive: true, force: true })
    try {
      for (const file of files) {
        const target = join(staging, file.path)
        await mkdir(dirname(target), { recursive: true, mode: 0o755 })
        if (file.link !== undefined) await symlink(file.link, target)
        else await writeFile(target, file.text ?? '', { mode: file.mode ?? 0o644 })
      }
      await rm(outDir, { recursive: true, force: true })
      await mkdir(dirname(outDir), { recursive: true, mode: 0o755 })
      await rename(staging, outDir)
    } finally {
      await rm(staging, { recursive: true, force: true })
    }
  } catch (error) {
    throw fileAccessError(error, 'write the generated configuration into', outDir)
  }
}

/** The PID file: given, or <runtimeDir|tmpDir>/<instanceName|name>.pid (tmpDir for an unprivileged user, who cannot write the runtime dir). */
export function processPidFile(config: ProcessConfig, dirs: ProcessDirs): string {
  if (config.pidFile) return config.pidFile
  const dir = config.user !== undefined && config.user !== 'root' ? dirs.tmpDir : dirs.runtimeDir
  return `${dir}/${config.instanceName ?? config.name}.pid`
}

/** The daemonized process's output: <logDir|tmpDir>/<instanceName|name>.log (same rule as the PID file: the user must be able to write it). */
export function processLogFile(config: ProcessConfig, dirs: ProcessDirs): string {
  const dir = config.user !== undefined && config.user !== 'root' ? dirs.tmpDir : dirs.logDir
  return `${dir}/${config.instanceName ?? config.name}.log`
}

function asUser(config: ProcessConfig, argv: string[]): string[] {
  return config.user === undefined ? argv : ['su', config.user, '-s', '/bin/sh', '-c', quoteShellArgs(argv)]
}

function daemonizeCommand(config: ProcessConfig, pidFile: string, dirs: ProcessDirs, argv: string[]): string[] {
  return [
    'daemon',
    '--unsafe',
    '--inherit',
    '--pidfile',
    pidFile,
    '--output',
    processLogFile(config, dirs),
    ...(config.user === undefined ? [] : ['--user', config.user]),
    '--',
    ...argv,
  ]
}

/**
 * `#!/bin/sh` script: PATH and environment, umask, directory, nice, initialize, then exec of `argv`.
 * With `initializeAsUser` the initialize commands are part of what runs as the user (self-daemonizing
 * processes started through su).
 */
function startScriptText(config: ProcessConfig, argv: string[], initializeAsUser = false): string {
  const lines = ['#!/bin/sh', 'set -e', `# ${config.description}: generated by disnix-ts managed-process`]
  if (config.path.length > 0) lines.push(`export PATH=${quoteShellArg(config.path.map((p) => `${p}/bin`).join(':'))}:"$PATH"`)
  for (const [key, value] of Object.entries(config.environment).sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`export ${key}=${quoteShellArg(value)}`)
  if (config.umask !== undefined) lines.push(`umask ${config.umask}`)
  if (config.directory !== undefined) lines.push(`cd ${quoteShellArg(config.directory)}`)
  if (config.initialize !== '' && !initializeAsUser) lines.push(config.initialize)
  const nice = config.nice === undefined ? [] : ['nice', '-n', String(config.nice)]
  if (initializeAsUser && config.initialize !== '') {
    // su -c runs a shell: prepend the initialize commands to its command string.
    const command = argv[argv.length - 1] ?? ''
    argv = [...argv.slice(0, -1), `${config.initialize}\n${command}`]
  }
  lines.push(`exec ${quoteShellArgs([...nice, ...argv])}`, '')
  return lines.join('\n')
}

/** Keeps a self-daemonizing process under supervisord: starts it, then lives as long as its PID file's process. */
function foregroundProxyText(config: ProcessConfig, pidFile: string): string {
  const start = startScriptText(config, [config.daemon ?? '', ...config.daemonArgs]).replace(/^exec /m, '')
  return `${start.trimEnd()}
pidFile=${quoteShellArg(pidFile)}
i=0
while [ ! -s "$pidFile" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
pid="$(cat "$pidFile")"
trap 'kill "$pid"' TERM INT
while kill -0 "$pid" 2>/dev/null; do sleep 1 & wait $! || true; done
`
}

function supervisorValue(value: string): string {
  // supervisord expands %(name)s in values: a literal % is %%.
  return value.replaceAll('%', '%%')
}

function supervisordProgramText(config: ProcessConfig, startScript: string): string {
  const lines = [`[program:${config.name}]`, `command=${supervisorValue(quoteShellArg(startScript))}`, 'priority=1', 'startsecs=1']
  if (config.user !== undefined) lines.push(`user=${config.user}`)
  lines.push('stopasgroup=true', 'killasgroup=true', '')
  return lines.join('\n')
}

function initScriptText(config: ProcessConfig, startScript: string, pidFile: string): string {
  return `#!/bin/sh
## BEGIN INIT INFO
# Provides:      ${config.name}
# Default-Start: 2 3 4 5
# Default-Stop:  0 1 6
# Description:   ${config.description.replaceAll('\n', ' ')}
## END INIT INFO
# Generated by disnix-ts managed-process.

PIDFILE=${quoteShellArg(pidFile)}

running()
{
    [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

case "$1" in
    start)
        if running; then
            exit 0
        fi
        echo "Starting ${config.name}..."
        ${quoteShellArg(startScript)}
        i=0
        while ! running && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
        running
        ;;
    stop)
        if running; then
            echo "Stopping ${config.name}..."
            pid="$(cat "$PIDFILE")"
            kill "$pid"
            i=0
            while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
            ! kill -0 "$pid" 2>/dev/null
        fi
        ;;
    restart)
        "$0" stop
        "$0" start
        ;;
    status)
        if running; then
            echo "${config.name} is running"
        else
            echo "${config.name} is not running"
            exit 3
        fi
        ;;
    *)
        echo "Usage: $0 {start|stop|restart|status}" >&2
        exit 1
        ;;
esac
`
}

/** dysnomia-support/{groups,users}/<name>: one key='value' line per property, as nix-processmgmt's createCredentials writes. */
function credentialFiles(config: ProcessConfig): GeneratedFile[] {
  const files: GeneratedFile[] = []
  for (const kind of ['groups', 'users'] as const) {
    for (const [name, props] of Object.entries(config.credentials[kind])) {
      const text = Object.entries(props)
        .map(([key, value]) => `${key}=${quoteShellArg(value)}\n`)
        .join('')
      files.push({ path: `dysnomia-support/${kind}/${name}`, text })
    }
  }
  return files
}
