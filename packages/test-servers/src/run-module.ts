import { join } from 'node:path'
import { bundledModulesDir } from '@disnix-ts/libmain'
import { execa } from 'execa'

export interface ModuleResult {
  exitCode: number
  stdout: string
  stderr: string
}

/**
 * Runs the bundled module `modules/<name> OPERATION COMPONENT [CONTAINER]` as Dysnomia does in
 * container-file mode: with only `env` (the container properties, DYSNOMIA_STATEDIR) and PATH (this
 * process's, unless `env` sets it) in its environment, stdin closed.
 */
export async function runModule(name: string, operation: string, component: string, env: Record<string, string>, container?: string): Promise<ModuleResult> {
  const args = container === undefined ? [operation, component] : [operation, component, container]
  const result = await execa(join(bundledModulesDir(), name), args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    timeout: 120_000,
  })
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) }
}
