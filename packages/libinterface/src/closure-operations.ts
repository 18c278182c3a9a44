import { outputLines, runInterface, type InterfaceCall } from './run-interface.js'

/** `--target T --print-invalid P…`: the paths the target does not have. */
export async function printInvalid(call: InterfaceCall, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return []
  return outputLines(await runInterface(call, ['--target', call.target, '--print-invalid', ...paths], { step: 'print invalid paths' }))
}

/**
 * `--import --target T --localfile FILE` (a closure file on this machine), or `--remotefile` for a
 * file that is already on the target.
 */
export async function importClosure(call: InterfaceCall, file: string, where: 'local' | 'remote' = 'local'): Promise<void> {
  await runInterface(call, ['--import', '--target', call.target, where === 'local' ? '--localfile' : '--remotefile', file], {
    step: 'import closure',
  })
}

/** `--target T --export --remotefile P…`: a file on this machine holding the export of P…. */
export async function exportClosure(call: InterfaceCall, paths: readonly string[]): Promise<string> {
  const stdout = await runInterface(call, ['--target', call.target, '--export', '--remotefile', ...paths], { step: 'export closure' })
  return stdout.replace(/\n$/, '')
}

/** `--query-requisites --target T P…`: the closure on the target, root last. */
export async function queryRequisites(call: InterfaceCall, paths: readonly string[]): Promise<string[]> {
  return outputLines(await runInterface(call, ['--query-requisites', '--target', call.target, ...paths], { step: 'query requisites' }))
}

/** `--realise --target T DRV…`: the output paths. */
export async function realise(call: InterfaceCall, derivations: readonly string[]): Promise<string[]> {
  return outputLines(await runInterface(call, ['--realise', '--target', call.target, ...derivations], { step: 'realise' }))
}

/** `--target T --collect-garbage [-d]`. */
export async function collectGarbage(call: InterfaceCall, deleteOld = false): Promise<void> {
  await runInterface(call, ['--target', call.target, '--collect-garbage', ...(deleteOld ? ['-d'] : [])], { step: 'collect garbage' })
}
