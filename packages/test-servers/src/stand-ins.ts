// Executables put first on a module's PATH in place of programs that cannot run here (systemctl
// without systemd as PID 1, docker without an engine, osql without Windows) or that a test wants to
// watch (psql, mysqldump): each call is recorded (argv, and stdin and chosen environment variables
// if asked), then the stand-in runs its script (which may exec the real program), then it answers
// with the canned output and status of its `answer`.
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { put } from './files.js'

export interface StandIn {
  /** Record what the call reads on stdin (for clients a module pipes a script into). */
  stdin?: boolean
  /** Environment variables whose values are recorded (to see how credentials travel). */
  env?: readonly string[]
  /**
   * Bash run after the call is recorded, with the call's arguments in "$@", the stand-ins'
   * directory in $dir (to keep state as files) and the recorded stdin in "$record.stdin"; a
   * non-zero status ends the call with it.
   */
  script?: string
}

export interface StandInCall {
  argv: string[]
  /** Only for a stand-in that records stdin. */
  stdin?: string
  env: Record<string, string>
}

export interface StandInAnswer {
  stdout?: string
  stderr?: string
  status?: number
}

export interface StandIns {
  /** Holds the records and answers; the scripts see it as $dir (files they keep state in go here). */
  dir: string
  /** The stand-in executables. */
  binDir: string
  /** PATH with the stand-ins first. */
  path: string
  /** The calls since the previous take, oldest first. */
  take(): Promise<StandInCall[]>
  /** The same as `name arg1 arg2 ...` lines. */
  takeLines(): Promise<string[]>
  /** What `name` prints and exits with from now on (after its script); nothing and 0 by default. */
  answer(name: string, answer: StandInAnswer): Promise<void>
  /** The text of a stand-in that records as `name` (to place it elsewhere, e.g. in a component). */
  script(name: string, standIn?: StandIn): string
}

/** Creates the stand-ins `tools` (name → how it behaves) in `dir`/bin. */
export async function createStandIns(dir: string, tools: Readonly<Record<string, StandIn>>): Promise<StandIns> {
  const binDir = join(dir, 'bin')
  const calls = join(dir, 'calls')
  await mkdir(binDir, { recursive: true, mode: 0o755 })
  await mkdir(join(dir, 'answers'), { recursive: true, mode: 0o755 })
  // Wrapped programs may run as other users (su postgres ...): anybody may add a record.
  await mkdir(calls, { recursive: true })
  await chmod(calls, 0o1777)
  const script = (name: string, standIn: StandIn = {}) => standInScript(dir, name, standIn)
  for (const [name, standIn] of Object.entries(tools)) await put(join(binDir, name), script(name, standIn), 0o755)
  const take = async (): Promise<StandInCall[]> => {
    const records = (await readdir(calls)).filter((file) => /^\d+-\d+\.argv$/.test(file)).sort(byTimeThenPid)
    const taken: StandInCall[] = []
    for (const record of records) {
      const base = join(calls, record.slice(0, -'.argv'.length))
      const argv = (await readFile(`${base}.argv`, 'utf8')).split('\0').slice(0, -1)
      const stdin = await readFile(`${base}.stdin`, 'utf8').catch(() => undefined)
      const env: Record<string, string> = {}
      for (const entry of (await readFile(`${base}.env`, 'utf8').catch(() => '')).split('\0').filter((e) => e !== '')) {
        const eq = entry.indexOf('=')
        env[entry.slice(0, eq)] = entry.slice(eq + 1)
      }
      taken.push(stdin === undefined ? { argv, env } : { argv, stdin, env })
      for (const suffix of ['.argv', '.stdin', '.env']) await rm(`${base}${suffix}`, { force: true })
    }
    return taken
  }
  return {
    dir,
    binDir,
    path: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    take,
    takeLines: async () => (await take()).map((call) => call.argv.join(' ')),
    async answer(name, answer) {
      const base = join(dir, 'answers', name)
      for (const [suffix, text] of [['stdout', answer.stdout], ['stderr', answer.stderr]] as const) {
        if (text === undefined) await rm(`${base}.${suffix}`, { force: true })
        else await writeFile(`${base}.${suffix}`, text)
      }
      await writeFile(`${base}.status`, String(answer.status ?? 0))
    },
    script,
  }
}

/**
 * Recording wrappers: stand-ins that record each call and then run the real program (found on
 * PATH now) with the same arguments, stdin and environment.
 */
export async function recordingWrappers(dir: string, programs: readonly string[]): Promise<StandIns> {
  const tools: Record<string, StandIn> = {}
  for (const program of programs) {
    const real = (await execa('bash', ['-c', 'command -v -- "$1"', 'bash', program])).stdout.trim()
    tools[program] = { script: `exec ${JSON.stringify(real)} "$@"` }
  }
  return createStandIns(dir, tools)
}

function standInScript(dir: string, name: string, standIn: StandIn): string {
  return [
    '#!/bin/bash',
    `dir=${JSON.stringify(dir)}`,
    // One record per call, named by time and PID: calls from parallel processes never collide, and
    // the argv file, written last, marks the record complete.
    `record="$dir/calls/\${EPOCHREALTIME/./}-$$"`,
    ...(standIn.stdin ? ['cat > "$record.stdin"'] : []),
    ': > "$record.env"',
    ...(standIn.env ?? []).map((v) => `if [ -n "\${${v}+x}" ]; then printf '%s=%s\\0' ${v} "$${v}" >> "$record.env"; fi`),
    `printf '%s\\0' ${JSON.stringify(name)} "$@" > "$record.argv.tmp"`,
    'mv "$record.argv.tmp" "$record.argv"',
    'standInScript() {',
    standIn.script ?? ':',
    '}',
    'standInScript "$@" || exit',
    `answer="$dir/answers/"${JSON.stringify(name)}`,
    'if [ -f "$answer.stdout" ]; then cat "$answer.stdout"; fi',
    'if [ -f "$answer.stderr" ]; then cat "$answer.stderr" >&2; fi',
    'exit "$(cat "$answer.status" 2>/dev/null || echo 0)"',
    '',
  ].join('\n')
}

function byTimeThenPid(a: string, b: string): number {
  const [timeA = 0, pidA = 0] = a.split(/[-.]/).map(Number)
  const [timeB = 0, pidB = 0] = b.split(/[-.]/).map(Number)
  return timeA - timeB || pidA - pidB
}
