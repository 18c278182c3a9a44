import { mkdir, realpath } from 'node:fs/promises'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { hasErrorCode } from '@disnix-ts/libmain'
import { runNixProcess, type NixProcessOptions } from './nix-store.js'

/** Where the Disnix target profiles live for the given user (spec §4.5, §8). */
export function targetProfileDir(user: { uid: number; name: string }, stateDir = '/nix/var'): string {
  return user.uid === 0 ? join(stateDir, 'nix/profiles/disnix') : join(stateDir, 'nix/profiles/per-user', user.name, 'disnix')
}

export interface CoordinatorProfileOptions {
  /** `--coordinator-profile-path`; overrides the per-user default. */
  path?: string
  /** The user whose profiles are meant (default: the effective user). */
  user?: string
}

/** `--coordinator-profile-path`, else `/nix/var/nix/profiles/per-user/<user>/disnix-coordinator` (spec §5.1). */
export function coordinatorProfileDir(options: CoordinatorProfileOptions = {}): string {
  if (options.path !== undefined && options.path !== '') return options.path
  return join('/nix/var/nix/profiles/per-user', options.user ?? userInfo().username, 'disnix-coordinator')
}

/**
 * Points the profile `<profileDir>/<profile>` at `storePath` (`nix-env -p … --set`), creating the
 * profile dir. When the profile already resolves to that path nothing happens, so redeploying an
 * unchanged configuration adds no generation (spec §4.6). Returns whether a generation was added.
 */
export async function setProfile(profileDir: string, profile: string, storePath: string, options: NixProcessOptions = {}): Promise<boolean> {
  // The original creates only the last level; a fresh per-user dir needs its parents too.
  await mkdir(profileDir, { recursive: true, mode: 0o755 })
  const profilePath = join(profileDir, profile)
  const [current, wanted] = await Promise.all([resolveOrUndefined(profilePath), resolveOrUndefined(storePath)])
  if (current !== undefined && current === wanted) return false
  await runNixProcess('nix-env', ['-p', profilePath, '--set', storePath], options)
  return true
}

export interface ProfileGeneration {
  id: number
  /** As nix-env prints it: `YYYY-MM-DD HH:MM:SS`. */
  date: string
  current: boolean
}

/** `nix-env -p PROFILE --list-generations`, parsed. A profile that does not exist has none. */
export async function listGenerations(profilePath: string, options: NixProcessOptions = {}): Promise<ProfileGeneration[]> {
  const output = await runNixProcess('nix-env', ['-p', profilePath, '--list-generations'], options)
  return parseGenerations(output)
}

export function parseGenerations(output: string): ProfileGeneration[] {
  const generations: ProfileGeneration[] = []
  for (const line of output.split('\n')) {
    const match = /^\s*(\d+)\s+(\S+\s+\S+)\s*(\(current\))?\s*$/.exec(line)
    if (match) generations.push({ id: Number(match[1]), date: match[2] ?? '', current: match[3] !== undefined })
  }
  return generations
}

/** `nix-env -p PROFILE --delete-generations …`: given numbers, `old` (all but the current) or `Nd`. */
export async function deleteGenerations(
  profilePath: string,
  generations: readonly number[] | 'old' | `${number}d`,
  options: NixProcessOptions = {},
): Promise<void> {
  const spec = typeof generations === 'string' ? [generations] : generations.map(String)
  if (spec.length === 0) return
  await runNixProcess('nix-env', ['-p', profilePath, '--delete-generations', ...spec], options)
}

async function resolveOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path)
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return undefined
    throw error
  }
}
