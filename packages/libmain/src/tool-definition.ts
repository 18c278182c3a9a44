import type { Writable } from 'node:stream'
import type { Argument, Command, Option } from 'commander'
import type { DisnixError } from './disnix-error.js'
import type { ErrorCode } from './error-codes.js'

/**
 * One executable, defined once: its name, options, environment, exit statuses, the kind of session it
 * runs in and its run function. The runner (`runMain`, `runToolInProcess`) builds the command line,
 * the help text (Environment and Exit status sections included) and the error handling from it, and a
 * caller that starts the tool as a process builds its argv from it (`toolArgv`).
 */
export interface ToolDefinition<O = any, S = any, A extends unknown[] = any[]> {
  name: string
  /** One line: what the tool does. */
  summary: string
  /** Which suite the tool belongs to; shown in `--version`. */
  suite?: 'disnix' | 'dysnomia'
  /** Replaces the generated usage line (`[options] <manifest>`). */
  usage?: string
  /** Without any argument the tool cannot do anything: it prints its help on stderr and fails. */
  helpWithoutArguments?: boolean
  arguments?: readonly Argument[]
  options: readonly Option[]
  session: Session<S, O>
  /** Environment variables the tool reads besides those of its options (`Option.env`). */
  environment?: readonly EnvironmentVariable[]
  /** Every status the tool can end with, and the error codes that lead to it. */
  exitStatuses: readonly ExitStatus[]
  /** Further help sections before Environment and Exit status (Notes, Model combinations, ...). */
  sections?: Readonly<Record<string, string | readonly string[]>>
  /** Commander settings that the fields above cannot express (option events, ...). */
  configure?: (command: Command) => void
  /**
   * Subcommands (`disnix-testnet up`), each with its own arguments, options and run, in the tool's
   * session. Without a subcommand such a tool shows its help and fails, as commander does.
   */
  commands?: readonly SubcommandDefinition<S>[]
  /**
   * Loads what `run` imports on demand. A tool started ahead of its command line (ARGV_ON_STDIN: a
   * composition such as disnix-env starts its next step while the current one runs) loads it while
   * it waits.
   */
  preload?: () => Promise<unknown>
  /** Does the work; returns the exit status when it is not 0 without being an error. Tools with `commands` have none. */
  run?(input: ToolRun<O, S, A>): Promise<number | void>
}

/** One subcommand of a tool: its help line, arguments, options and run; the tool provides the rest. */
export interface SubcommandDefinition<S = any, O = any, A extends unknown[] = any[]> {
  name: string
  summary: string
  arguments?: readonly Argument[]
  options: readonly Option[]
  configure?: (command: Command) => void
  run(input: ToolRun<O, S, A>): Promise<number | void>
}

export interface ToolRun<O, S, A extends unknown[]> {
  opts: O
  /** The positional arguments, one entry per declared argument (a variadic one is an array). */
  args: A
  session: S
  io: ToolIo
  /** True when an option has its default value: neither the command line nor its environment variable set it. */
  isDefault(option: keyof O & string): boolean
}

/** Where one run of a tool reads its environment and writes its output. */
export interface ToolIo {
  stdout: Writable
  stderr: Writable
  env: NodeJS.ProcessEnv
  /**
   * True for the executable itself, which owns its process (signals, terminal, exit); false when
   * another tool runs it in its own process (`runToolInProcess`).
   */
  main: boolean
  /** In-process runs: aborting it ends the run as killing the executable would. */
  signal?: AbortSignal
}

export interface ExitStatus {
  /** The status, or `child`: the exit status of the failed child process the error carries. */
  status: number | 'child'
  /** What the status means, for the help text. */
  meaning: string
  /** The error codes that end the tool with this status. */
  codes?: readonly ErrorCode[]
  /** Narrows `codes` further (e.g. by the error's data). */
  when?: (error: DisnixError) => boolean
}

export interface EnvironmentVariable {
  name: string
  meaning: string
}

/**
 * What a tool runs in: a coordinator session (progress view, Ctrl-C handling, client interfaces), a
 * target session (the machine's own Nix and Dysnomia), or nothing in particular. A session adds its
 * options, environment variables and exit statuses to every tool that runs in it.
 */
export interface Session<S, O = unknown> {
  kind: 'coordinator' | 'target' | 'plain'
  /** Printed before an error message: `[coordinator]: ` for the coordinator tools. */
  errorPrefix: string
  /**
   * Options of every tool in this session (`--log-format`, `--verbose`), after the tool's own; a tool
   * that declares an option with the same long flag keeps its own.
   */
  options?: readonly Option[]
  environment?: readonly EnvironmentVariable[]
  exitStatuses?: readonly ExitStatus[]
  /** `tool` is the name of the tool that runs in the session. */
  open(input: { opts: O; io: ToolIo; tool: string }): S | Promise<S>
  /**
   * Runs after the run function, also when it failed, with how the run ended. Returns true when it
   * has reported the error itself (a machine-readable stream), so that the runner prints nothing.
   */
  close?(session: S, outcome: RunOutcome): void | boolean | Promise<void | boolean>
}

/** How a run ended: its exit status and, when it failed, the error and the text the runner prints for it. */
export interface RunOutcome {
  exitStatus: number
  error?: unknown
  /** The message (with the session's prefix and the hint) the runner prints for `error`. */
  errorText?: string
}

/** A session that provides nothing: tools that only compute, read files or run one child. */
export const plainSession: Session<undefined> = {
  kind: 'plain',
  errorPrefix: '',
  open: () => undefined,
}

/** A subcommand of a tool's `commands`, typed as `defineTool` types a tool. */
export function defineSubcommand<O, S, A extends unknown[] = string[]>(definition: SubcommandDefinition<S, O, A>): SubcommandDefinition<S, O, A> {
  return definition
}

/** Identity with type inference, so that a definition reads as one object literal. */
export function defineTool<O, S, A extends unknown[] = string[]>(definition: ToolDefinition<O, S, A>): ToolDefinition<O, S, A> {
  return definition
}
