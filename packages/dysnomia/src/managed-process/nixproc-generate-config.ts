import { readFile } from 'node:fs/promises'
import { Argument, Option } from 'commander'
import { defineTool, DisnixError, hasErrorCode, plainSession } from '@disnix-ts/libmain'
import { fileAccessError } from '../file-access-error.js'
import { GENERATED_PROCESS_MANAGERS, parseProcessConfig, planProcessFiles, processDirs, writeProcessFiles, type GeneratedProcessManager } from './generate-process-config.js'

export interface NixprocGenerateConfigOptions {
  processManager?: string
  output?: string
  stateDir?: string
  runtimeDir?: string
  logDir?: string
  tmpDir?: string
  cacheDir?: string
}

/**
 * The managed-process module's stand-in for nix-processmgmt's `nixproc-generate-config` for the
 * process managers whose configuration it can generate without Nix. Not a tool on PATH (it would
 * shadow the real one): modules/managed-process runs it through nixproc-generate-config-main.js. It
 * writes the generated files into --output and prints that directory, as the original prints the
 * store path it built.
 */
export const nixprocGenerateConfig = defineTool<NixprocGenerateConfigOptions, undefined, [configs: string[]]>({
  name: 'nixproc-generate-config',
  suite: 'dysnomia',
  summary: "Generate a process manager's configuration from a JSON process configuration (for the managed-process module)",
  session: plainSession,
  arguments: [new Argument('[config...]', 'The JSON process configuration (exactly one)')],
  options: [
    new Option('--process-manager <manager>', `The process manager to generate for: ${Object.keys(GENERATED_PROCESS_MANAGERS).join(', ')}`),
    new Option('--output <dir>', 'Directory to write the generated configuration into (replaced)'),
    new Option('--state-dir <dir>', 'Base directory of the process state (default: /var)'),
    new Option('--runtime-dir <dir>', 'PID files (default: <state-dir>/run)'),
    new Option('--log-dir <dir>', 'Log files (default: <state-dir>/log)'),
    new Option('--tmp-dir <dir>', 'Temp files (default: /tmp for the state dir /var, else <state-dir>/tmp)'),
    new Option('--cache-dir <dir>', 'Cache files (default: <state-dir>/cache)'),
  ],
  exitStatuses: [
    { status: 0, meaning: 'the configuration was generated; its directory is printed' },
    { status: 1, meaning: 'bad usage, an invalid process configuration, or the output cannot be written' },
  ],
  async run({ opts, args: [configs], io }) {
    const processManager = opts.processManager ?? ''
    if (!Object.hasOwn(GENERATED_PROCESS_MANAGERS, processManager)) {
      throw new DisnixError(
        'USAGE',
        `Cannot generate a configuration for process manager: ${processManager} (supported: ${Object.keys(GENERATED_PROCESS_MANAGERS).join(', ')})`,
      )
    }
    const [file] = configs
    if (configs.length !== 1 || file === undefined || !opts.output) throw new DisnixError('USAGE', 'Expecting --output DIR and exactly one JSON process configuration')
    const config = parseProcessConfig(await readConfig(file), file)
    const dirs = processDirs({ stateDir: opts.stateDir, runtimeDir: opts.runtimeDir, logDir: opts.logDir, tmpDir: opts.tmpDir, cacheDir: opts.cacheDir })
    await writeProcessFiles(planProcessFiles(config, processManager as GeneratedProcessManager, dirs, opts.output), opts.output)
    io.stdout.write(`${opts.output}\n`)
  },
})

async function readConfig(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) throw new DisnixError('CONFIG_NOT_FOUND', `Cannot read process configuration: ${file}: no such file`, { cause: error })
    throw fileAccessError(error, 'read process configuration', file)
  }
}
