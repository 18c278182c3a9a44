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
  return outcome(await startModule(name, operation, component, env, container))
}

/**
 * Runs a bundled module as {@link runModule} does and calls `onSaid` once its stderr contains `text`
 * (a module saying that it waits for its server), or when it ends without saying so. Returns the
 * result and what the module wrote on stderr by the time it said it.
 */
export async function runModuleUntilSaid(
  name: string,
  operation: string,
  component: string,
  env: Record<string, string>,
  text: string,
  onSaid: () => void,
): Promise<{ said: string; result: ModuleResult }> {
  const run = startModule(name, operation, component, env)
  let said = ''
  await new Promise<void>((resolve) => {
    run.stderr.on('data', (chunk: Buffer) => {
      said += chunk.toString()
      if (said.includes(text)) resolve()
    })
    void run.then(() => resolve())
  })
  onSaid()
  return { said, result: outcome(await run) }
}

function startModule(name: string, operation: string, component: string, env: Record<string, string>, container?: string) {
  const args = container === undefined ? [operation, component] : [operation, component, container]
  return execa(join(bundledModulesDir(), name), args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    timeout: 120_000,
  })
}

function outcome(result: { exitCode?: number; stdout: unknown; stderr: unknown }): ModuleResult {
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) }
}
