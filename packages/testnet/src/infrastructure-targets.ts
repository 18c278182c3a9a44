import { resolve } from 'node:path'
import { runCommand } from '@disnix-ts/libmain'
import { validateTargetNames } from './network-config.js'

/**
 * The target names of an infrastructure model (its attribute names), so a test network can mirror
 * it. The path goes in as a string argument, never spliced into the expression.
 */
export async function readInfrastructureTargets(file: string, options: { env?: NodeJS.ProcessEnv } = {}): Promise<string[]> {
  const path = resolve(file)
  const { stdout } = await runCommand(
    'nix-instantiate',
    [
      '--eval',
      '--strict',
      '--json',
      '--expr',
      '{ file }: let model = import file; in builtins.attrNames (if builtins.isFunction model then model { } else model)',
      '--argstr',
      'file',
      path,
    ],
    { env: options.env, step: `evaluating the infrastructure model ${path}` },
  )
  const names = JSON.parse(stdout) as string[]
  return validateTargetNames(names)
}
