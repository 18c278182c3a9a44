import { execa } from 'execa'
import { binDir, DisnixError, runCommand } from '@disnix-ts/libmain'
import { validateNetworkConfig, type NetworkConfig } from './network-config.js'
import { testnetStatus, type TargetStatus } from './testnet-status.js'

/**
 * The argv that runs `argv` inside a running target: nsenter into the namespaces of its PID 1. Not
 * `ip netns exec`, which makes a new mount namespace and sees the host's /nix (pitfall 2).
 */
export async function enterTargetArgv(config: NetworkConfig, target: string, argv: readonly string[]): Promise<string[]> {
  const status = await runningTarget(config, target)
  return ['nsenter', `--target=${status.pid1}`, '--mount', '--uts', '--ipc', '--net', '--pid', '--wd=/root', '--', ...argv]
}

/** The environment of a session in a target, as its sshd sets it (no host variables leak in). */
export function targetSessionEnv(bin = binDir()): Record<string, string> {
  return {
    PATH: `${bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
    HOME: '/root',
    USER: 'root',
    LOGNAME: 'root',
    SHELL: '/bin/bash',
  }
}

export interface ExecInTargetOptions {
  input?: string
  /** Added to the session environment. */
  env?: Record<string, string>
  timeoutMs?: number
}

export interface ExecResult {
  stdout: string
  stderr: string
  exitCode: number
}

/** Runs a command inside a target without ssh; never throws for a non-zero exit. */
export async function execInTarget(config: NetworkConfig, target: string, argv: readonly string[], options: ExecInTargetOptions = {}): Promise<ExecResult> {
  const [file, ...args] = await enterTargetArgv(config, target, argv)
  const result = await execa(file!, args, {
    env: { ...targetSessionEnv(), ...options.env },
    extendEnv: false,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    reject: false,
    timeout: options.timeoutMs,
    stripFinalNewline: false,
  })
  if (result.exitCode === undefined && result.failed && !result.isTerminated && !result.timedOut) {
    throw new DisnixError('TESTNET_EXEC_FAILED', `target ${target}: cannot run ${argv[0] ?? ''}: ${result.shortMessage}`)
  }
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 }
}

/** Takes the target's eth0 down or up: with it down the target is unreachable (connects time out). */
export async function setTargetLink(config: NetworkConfig, target: string, up: boolean): Promise<void> {
  const status = await runningTarget(config, target)
  await runCommand('ip', ['-n', status.netns, 'link', 'set', 'eth0', up ? 'up' : 'down'], { step: `target ${target}: setting eth0 ${up ? 'up' : 'down'}` })
}

async function runningTarget(config: NetworkConfig, target: string): Promise<TargetStatus & { pid1: number }> {
  validateNetworkConfig(config)
  const status = await testnetStatus(config)
  const found = status.targets.find((t) => t.name === target)
  if (!found) {
    const names = status.targets.map((t) => t.name).join(', ')
    throw new DisnixError('TESTNET_UNKNOWN_TARGET', `unknown target ${JSON.stringify(target)} in ${config.dir}${names ? ` (targets: ${names})` : ' (no network was created there)'}`)
  }
  if (!found.running || found.pid1 === undefined) {
    throw new DisnixError('TESTNET_TARGET_DOWN', `target ${target} is not running`, { hint: `disnix-testnet up --dir ${config.dir}` })
  }
  return { ...found, pid1: found.pid1 }
}
