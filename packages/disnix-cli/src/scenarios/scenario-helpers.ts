import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa, type ResultPromise } from 'execa'
import { installRoot } from '@disnix-ts/libmain'
import { nixTestEnv, runBin, type BinResult } from '@disnix-ts/test-utils'
import type { Testnet } from '@disnix-ts/testnet/testing'

export const fixtures = join(installRoot(), 'packages', 'disnix-cli', 'fixtures')

/** A coordinator for scenario tests: its own coordinator profile dir, the testnet's ssh settings. */
export interface Coordinator {
  profileDir: string
  env: NodeJS.ProcessEnv
  run(tool: string, args: readonly string[]): Promise<BinResult>
  /** Runs a tool that has no coordinator profile (disnix-manifest, disnix-query, ...). */
  runPlain(tool: string, args: readonly string[]): Promise<BinResult>
  /** Starts a tool without waiting; in its own process group, as a terminal's foreground job. */
  start(tool: string, args: readonly string[]): ResultPromise<typeof startOptions>
  cleanup(): Promise<void>
}

const startOptions = { detached: true, reject: false, all: true, stdin: 'ignore' } as const

export async function coordinator(net: Testnet): Promise<Coordinator> {
  const profileDir = await mkdtemp(join(tmpdir(), 'disnix-coordinator-'))
  const env = { ...nixTestEnv(), SSH_OPTS: net.sshOpts, DISNIX_PROFILE: 'default' }
  return {
    profileDir,
    env,
    run: (tool, args) => runBin(tool, [...args, '--coordinator-profile-path', profileDir], { env, timeoutMs: 300_000 }),
    runPlain: (tool, args) => runBin(tool, args, { env, timeoutMs: 300_000 }),
    start: (tool, args) =>
      execa(join(installRoot(), 'bin', tool), [...args, '--coordinator-profile-path', profileDir], { ...startOptions, env }),
    cleanup: () => rm(profileDir, { recursive: true, force: true }),
  }
}

/** Lines of a file on a target (read from the host side of its private root), [] when absent. */
export async function targetLines(net: Testnet, target: string, path: string): Promise<string[]> {
  const root = net.targets.find((t) => t.name === target)!.root
  try {
    return (await readFile(join(root, path), 'utf8')).split('\n').filter((l) => l !== '')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

/** Entries of a directory on a target, sorted; [] when absent. */
export async function targetEntries(net: Testnet, target: string, path: string): Promise<string[]> {
  const root = net.targets.find((t) => t.name === target)!.root
  try {
    return (await readdir(join(root, path))).sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

/** Resolves once `text` appears in the combined output of a running tool. */
export function outputContains(child: { all?: NodeJS.ReadableStream | null }, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = ''
    child.all?.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      if (seen.includes(text)) resolve()
    })
  })
}

/**
 * Holds an operation of the pipeline fixture's services on a target (services.nix): the operation
 * waits while the hold exists. `holding` resolves with the process group of the held remote call once
 * it waits; `release` lets it go on.
 */
export function holdOperation(net: Testnet, target: string, operation: string) {
  const root = net.targets.find((t) => t.name === target)!.root
  const hold = join(root, 'tmp', `pipeline-hold-${operation}`)
  return {
    set: async () => {
      // A call ended while held (killed, as a crash) leaves its mark behind.
      await rm(join(root, 'tmp', `pipeline-holding-${operation}`), { force: true })
      await writeFile(hold, '')
    },
    holding: async (): Promise<number> => {
      const lines = await waitForLines(net, target, `tmp/pipeline-holding-${operation}`)
      return Number(lines[0])
    },
    release: () => rm(hold, { force: true }),
  }
}

/** Resolves with the lines of a file on a target once it exists and is not empty (polled). */
export async function waitForLines(net: Testnet, target: string, path: string): Promise<string[]> {
  for (;;) {
    const lines = await targetLines(net, target, path)
    if (lines.length > 0) return lines
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
