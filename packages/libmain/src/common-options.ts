import { InvalidArgumentError, Option } from 'commander'
import { profileName } from './names.js'

/**
 * Option factories for the options that several tools share, with their environment variables and
 * defaults in one place (the original duplicated this logic between C and shell and it drifted).
 * Precedence everywhere: command-line option > environment variable > default.
 */

export const DEFAULT_PROFILE = 'default'
export const DEFAULT_CLIENT_INTERFACE = 'disnix-ssh-client'
export const DEFAULT_TARGET_PROPERTY = 'hostname'
export const DEFAULT_MAX_CONCURRENT_TRANSFERS = 2

export function profileOption(): Option {
  return new Option('-p, --profile <name>', 'Name of the Disnix profile').env('DISNIX_PROFILE').default(DEFAULT_PROFILE).argParser(profileName)
}

export function interfaceOption(): Option {
  return new Option('--interface <executable>', 'Client interface used to reach the targets (disnix-ssh-client runs in this process unless DISNIX_IN_PROCESS_INTERFACE=0)')
    .env('DISNIX_CLIENT_INTERFACE')
    .default(DEFAULT_CLIENT_INTERFACE)
}

export function targetPropertyOption(): Option {
  return new Option('--target-property <name>', 'Target property that holds the address of a machine')
    .env('DISNIX_TARGET_PROPERTY')
    .default(DEFAULT_TARGET_PROPERTY)
}

export function coordinatorProfilePathOption(): Option {
  return new Option('--coordinator-profile-path <dir>', 'Directory in which the coordinator profile is stored')
}

export function maxConcurrentTransfersOption(): Option {
  return new Option('-m, --max-concurrent-transfers <n>', 'Maximum number of closures or snapshots transferred at once')
    .default(DEFAULT_MAX_CONCURRENT_TRANSFERS)
    .argParser(positiveInteger)
}

export function keepOption(defaultValue = 1): Option {
  return new Option('--keep <n>', 'Number of snapshot generations to keep').default(defaultValue).argParser(nonNegativeInteger)
}

export function showTraceOption(): Option {
  return new Option('--show-trace', 'Show a trace of the Nix evaluation when it fails')
}

/** `--log-format human|json`: the original's lines (a live view on a terminal), or the JSON event stream. */
export function logFormatOption(): Option {
  return new Option('--log-format <format>', 'Progress on stderr: human (lines, a live view on a terminal) or json (one event per line, see docs/formats.md)')
    .choices(['human', 'json'])
    .env('DISNIX_LOG_FORMAT')
    .default('human')
}

/** `--verbose`: the original's plain lines even on a terminal. */
export function verboseOption(): Option {
  return new Option('--verbose', 'Plain progress lines even on a terminal')
}

/** A boolean that an environment variable can switch on with the value `1` (as the original reads it). */
export function envFlagOption(flags: string, description: string, envName: string): Option {
  return new Option(flags, `${description} (also ${envName}=1)`)
}

/** Reads an env flag the way the original does: only the exact value `1` means true. */
export function envFlag(env: NodeJS.ProcessEnv, name: string): boolean {
  return env[name] === '1'
}

export function positiveInteger(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1')
  return n
}

export function nonNegativeInteger(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number')
  return n
}

/** For repeatable options: `.argParser(collect).default([])`. */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value]
}
