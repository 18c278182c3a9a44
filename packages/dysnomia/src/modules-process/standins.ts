// Test-only stand-ins for software that cannot run here (systemd as PID 1, s6-rc, a Docker engine,
// macOS, FreeBSD, Cygwin): executables that append their name and argv to a shared log, then run an
// optional body (to create files or fail), placed first on the module's PATH.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { put } from './harness.js'

export interface StandIns {
  /** Directory to put first on PATH. */
  binDir: string
  /** Every call so far, one "name arg1 arg2 ..." line each. */
  calls(): Promise<string[]>
  /** The calls since the previous take(). */
  take(): Promise<string[]>
  /** PATH with the stand-ins first. */
  path: string
}

/** Creates the stand-ins `names` in `dir`/bin; `bodies[name]` is bash run after the call is logged. */
export async function createStandIns(dir: string, names: readonly string[], bodies: Record<string, string> = {}): Promise<StandIns> {
  const binDir = join(dir, 'bin')
  const log = join(dir, 'calls.log')
  for (const name of names) {
    await put(
      join(binDir, name),
      `#!/bin/bash\n{ printf '%s' "$(basename "$0")"; for a in "$@"; do printf ' %s' "$a"; done; echo; } >> ${log}\n${bodies[name] ?? ''}\n`,
      0o755,
    )
  }
  let taken = 0
  const calls = async (): Promise<string[]> => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean)
  return {
    binDir,
    async take() {
      const all = await calls()
      const fresh = all.slice(taken)
      taken = all.length
      return fresh
    },
    path: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    calls,
  }
}
