// Entry point run by modules/managed-process (not a user-facing tool):
//   node nixproc-generate-config.js --process-manager PM --output DIR [--state-dir D] [--runtime-dir D]
//        [--log-dir D] [--tmp-dir D] [--cache-dir D] CONFIG.json
// writes the generated files into DIR and prints DIR, as nix-processmgmt's nixproc-generate-config
// prints the store path it built.
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { isDisnixError } from '@disnix-ts/libmain'
import { GENERATED_PROCESS_MANAGERS, parseProcessConfig, planProcessFiles, processDirs, writeProcessFiles, type GeneratedProcessManager } from './generate-process-config.js'

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      'process-manager': { type: 'string' },
      output: { type: 'string' },
      'state-dir': { type: 'string' },
      'runtime-dir': { type: 'string' },
      'log-dir': { type: 'string' },
      'tmp-dir': { type: 'string' },
      'cache-dir': { type: 'string' },
    },
    allowPositionals: true,
  })
  const processManager = values['process-manager'] ?? ''
  if (!Object.hasOwn(GENERATED_PROCESS_MANAGERS, processManager)) {
    throw new Error(`Cannot generate a configuration for process manager: ${processManager} (supported: ${Object.keys(GENERATED_PROCESS_MANAGERS).join(', ')})`)
  }
  if (positionals.length !== 1 || !values.output) throw new Error('Expecting --output DIR and exactly one JSON process configuration')
  const file = positionals[0] ?? ''
  const config = parseProcessConfig(await readFile(file, 'utf8'), file)
  const dirs = processDirs({
    stateDir: values['state-dir'],
    runtimeDir: values['runtime-dir'],
    logDir: values['log-dir'],
    tmpDir: values['tmp-dir'],
    cacheDir: values['cache-dir'],
  })
  await writeProcessFiles(planProcessFiles(config, processManager as GeneratedProcessManager, dirs, values.output), values.output)
  process.stdout.write(`${values.output}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`${isDisnixError(error) || error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
