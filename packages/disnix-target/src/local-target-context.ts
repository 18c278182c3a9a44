import { hostname, userInfo } from 'node:os'
import { targetProfileDir } from '@disnix-ts/libnix'
import type { TargetContext } from './target-context.js'

export interface LocalTargetContextOptions {
  env: NodeJS.ProcessEnv
  stdout: TargetContext['stdout']
  stderr: TargetContext['stderr']
  log: TargetContext['log']
  signal?: AbortSignal
}

/** The context of the executing user on this machine: its TMPDIR, its profile dir, its host name. */
export function localTargetContext(options: LocalTargetContextOptions): TargetContext {
  const user = userInfo()
  return {
    tmpdir: options.env.TMPDIR || '/tmp',
    profileDir: targetProfileDir({ uid: user.uid, name: user.username }),
    hostname: hostname(),
    ...options,
  }
}
