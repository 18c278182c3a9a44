import { join } from 'node:path'
import { DisnixError, isDisnixError, nixExprDir } from '@disnix-ts/libmain'
import { nixInstantiate } from '@disnix-ts/libnix'

const KIND: Record<string, string> = {
  int: 'an integer',
  float: 'a floating-point number',
  bool: 'a Boolean',
  string: 'a string',
  path: 'a path',
  null: 'null',
  list: 'a list',
  lambda: 'a function',
}

/**
 * Checks the --extra-params expression on its own, before the models are evaluated with it: a syntax
 * error or a value other than an attribute set would otherwise surface inside the models or inside
 * our own Nix expressions, without naming the option.
 */
export async function checkExtraParams(expr: string, options: { cwd: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<void> {
  let type: string
  try {
    const printed = await nixInstantiate({ file: join(nixExprDir(), 'lib', 'type-of.nix'), args: { value: expr }, eval: true, ...options })
    type = JSON.parse(printed) as string
  } catch (error) {
    if (isDisnixError(error) && error.code === 'NIX_FAILED') {
      throw new DisnixError('USAGE', `--extra-params: ${JSON.stringify(expr)} is not a Nix expression that evaluates: ${error.message}`, {
        hint: 'give a Nix attribute set, such as --extra-params \'{ prefix = "x"; }\'',
        cause: error,
      })
    }
    throw error
  }
  if (type !== 'set') {
    throw new DisnixError('USAGE', `--extra-params: expected an attribute set such as { prefix = "x"; }, but ${JSON.stringify(expr)} is ${KIND[type] ?? `a ${type}`}`)
  }
}
