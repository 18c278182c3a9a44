import { randomBytes } from 'node:crypto'
import { readdir, readFile, rm } from 'node:fs/promises'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { installRoot } from '@disnix-ts/libmain'
import { readmeCommands, type ReadmeBlock } from './readme-commands.js'

export const examplesDir = join(installRoot(), 'examples')

/** Where `disnix-testnet` (its TESTNET_* variables) finds the network the README commands use. */
export interface NetworkSettings {
  dir: string
  net: string
  bridge: string
  nsPrefix: string
}

export interface BlockResult {
  exitCode: number
  stdout: string
  /** stdout and stderr interleaved, for failure messages. */
  all: string
}

/** The commands of one example's README, run as a user would in the example's directory. */
export interface ReadmeSession {
  blocks: ReadmeBlock[]
  /** The Disnix profile of this session: unique, so sessions in parallel never share a coordinator profile. */
  profile: string
  env: NodeJS.ProcessEnv
  /** Runs block `index` in a fresh bash (-e, pipefail) after the first block, the README's set-up. */
  run(index: number): Promise<BlockResult>
  /** Removes this session's coordinator profile. */
  cleanup(): Promise<void>
}

// Settings of the calling shell that would steer the README's commands elsewhere.
const inherited = ['SSH_OPTS', 'DISNIX_PROFILE', 'TESTNET_DIR', 'TESTNET_NET', 'TESTNET_BRIDGE', 'TESTNET_NSPREFIX']

export async function readmeSession(example: string, network: NetworkSettings, extraEnv: NodeJS.ProcessEnv = {}): Promise<ReadmeSession> {
  const cwd = join(examplesDir, example)
  const blocks = readmeCommands(await readFile(join(cwd, 'README.md'), 'utf8'))
  const profile = `example-${example}-${randomBytes(4).toString('hex')}`
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of inherited) delete env[name]
  Object.assign(env, {
    TESTNET_DIR: network.dir,
    TESTNET_NET: network.net,
    TESTNET_BRIDGE: network.bridge,
    TESTNET_NSPREFIX: network.nsPrefix,
    DISNIX_PROFILE: profile,
    ...extraEnv,
  })
  return {
    blocks,
    profile,
    env,
    run: async (index) => {
      const setup = blocks[0]?.script ?? ''
      const script = index === 0 ? setup : `${setup}\n${blocks[index]!.script}`
      const result = await execa('bash', ['-euo', 'pipefail', '-c', script], {
        cwd,
        env,
        extendEnv: false,
        reject: false,
        all: true,
        stdin: 'ignore',
        timeout: 600_000,
      })
      return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), all: String(result.all) }
    },
    cleanup: () => removeCoordinatorProfile(String(env.DISNIX_PROFILE)),
  }
}

/** Removes a coordinator profile of the default location and its generations. */
export async function removeCoordinatorProfile(profile: string): Promise<void> {
  const dir = join('/nix/var/nix/profiles/per-user', userInfo().username, 'disnix-coordinator')
  let entries: string[]
  try {
    entries = await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  const generation = new RegExp(`^${profile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d+-link$`)
  await Promise.all(entries.filter((e) => e === profile || generation.test(e)).map((e) => rm(join(dir, e), { force: true })))
}
