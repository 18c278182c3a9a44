import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { onTestFinished } from 'vitest'
import { installRoot } from '@disnix-ts/libmain'

/** A fresh temp dir for one test, removed when the test finishes. */
export async function testDir(prefix = 'disnix-ts-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** A temp dir that outlives single tests (remove it yourself in afterAll). */
export async function suiteDir(prefix = 'disnix-ts-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

export interface BinResult {
  stdout: string
  stderr: string
  exitCode: number
}

export interface RunBinOptions {
  env?: NodeJS.ProcessEnv
  cwd?: string
  input?: string
  /** Replace the environment entirely instead of extending process.env. */
  cleanEnv?: boolean
  timeoutMs?: number
}

/** Runs a built executable from bin/ and returns stdout, stderr and the exit code (never throws on exit). */
export async function runBin(tool: string, args: readonly string[], options: RunBinOptions = {}): Promise<BinResult> {
  const result = await execa(join(installRoot(), 'bin', tool), [...args], {
    env: options.env,
    extendEnv: !options.cleanEnv,
    cwd: options.cwd,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    reject: false,
    timeout: options.timeoutMs ?? 120_000,
    stripFinalNewline: false,
  })
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 }
}

/** NIX_PATH and NIX_CONFIG for tests: the offline package set as <nixpkgs>, no substituters, no build users. */
export function nixTestEnv(): NodeJS.ProcessEnv {
  return {
    NIX_PATH: `nixpkgs=${join(installRoot(), 'nix', 'offline-pkgs')}`,
    NIX_CONFIG: 'build-users-group =\nsubstituters =\nsandbox = false\nexperimental-features = nix-command',
  }
}

/** True when running as root (namespaces, users, real servers need it). */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0
}
export { buildTestClosure, buildTestProfile, type TestClosure } from './test-closure.js'
export { writeSshTestInterface } from './test-interface.js'

/** Something tests need that not every machine has: root, namespaces, a test network. */
export interface Precondition {
  ok: boolean
  /** Why it is missing. */
  reason?: string
}

/** Root, as a precondition. */
export function rootPrecondition(): Precondition {
  return isRoot() ? { ok: true } : { ok: false, reason: 'the tests do not run as root' }
}

/**
 * Whether the tests that need `what` run here: the one place that decides. Where the precondition
 * holds they run; where it is missing they are skipped on a developer's machine, but with CI=true the
 * file fails with the reason, so that a CI run never passes by skipping them.
 * Use as `describe.runIf(runsHere(support, 'a test network'))(...)`.
 */
export function runsHere(precondition: Precondition, what: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (precondition.ok) return true
  if (env.CI === 'true') {
    throw new Error(`CI=true, but the tests that need ${what} cannot run here: ${precondition.reason ?? 'it is missing'} (run them as root on a machine with network namespaces)`)
  }
  return false
}
