import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseInfrastructureXml, type Infrastructure } from '@disnix-ts/libinfrastructure'
import { DisnixError, hasErrorCode, nixExprDir } from '@disnix-ts/libmain'
import { nixInstantiate } from '@disnix-ts/libnix'
import type { CandidateDistribution } from './candidate-distribution.js'
import { parseDistributionXml } from './distribution-xml.js'
import { parseServicesXml, type ServicesTable } from './services-xml.js'

/** How to read the models a tool is given: Nix expressions (the default) or XML files (`--xml`). */
export interface ModelLoadOptions {
  /** The files are XML (as dydisnix-xml writes them) rather than Nix models. */
  xml?: boolean
  /** `--extra-params`: a Nix attribute set passed to the models that declare its attributes. */
  extraParams?: string
  targetProperty: string
  clientInterface: string
  /** Environment for Nix (NIX_PATH, NIX_CONFIG, ...). */
  env?: NodeJS.ProcessEnv
  showTrace?: boolean
}

/** The services of a services model (Nix) or services XML file. */
export async function loadServices(file: string, options: ModelLoadOptions): Promise<ServicesTable> {
  await checkReadable(file, 'services model')
  const text = options.xml ? await readFile(file, 'utf8') : await modelXml('services', { servicesFile: resolve(file) }, options)
  return parseServicesXml(text, file)
}

/** The normalized targets of an infrastructure model (Nix) or infrastructure XML file. */
export async function loadTargets(file: string, options: ModelLoadOptions): Promise<Infrastructure> {
  await checkReadable(file, 'infrastructure model')
  const text = options.xml ? await readFile(file, 'utf8') : await modelXml('infrastructure', { infrastructureFile: resolve(file) }, options)
  return parseInfrastructureXml(text, { source: file, targetProperty: options.targetProperty, clientInterface: options.clientInterface })
}

/**
 * The candidate distribution of a distribution model ({infrastructure}: ..., which needs the
 * infrastructure model to name its targets) or of a distribution XML file.
 */
export async function loadCandidateDistribution(file: string, infrastructureFile: string | undefined, options: ModelLoadOptions): Promise<CandidateDistribution> {
  await checkReadable(file, 'distribution model')
  if (options.xml) return parseDistributionXml(await readFile(file, 'utf8'), file)
  if (infrastructureFile === undefined) {
    throw new DisnixError('USAGE', `The distribution model: ${file} needs an infrastructure model (-i) to name its targets`)
  }
  await checkReadable(infrastructureFile, 'infrastructure model')
  const text = await modelXml('distribution', { distributionFile: resolve(file), infrastructureFile: resolve(infrastructureFile) }, options)
  return parseDistributionXml(text, file)
}

/** XML of a model by nix/dydisnix/to-xml.nix (the same printers the Nix filters use). */
async function modelXml(attr: 'services' | 'infrastructure' | 'distribution', files: Record<string, string>, options: ModelLoadOptions): Promise<string> {
  const output = await nixInstantiate({
    file: join(nixExprDir(), 'dydisnix', 'to-xml.nix'),
    attr,
    argstrs: { ...files, defaultTargetProperty: options.targetProperty, defaultClientInterface: options.clientInterface },
    args: options.extraParams === undefined ? {} : { extraParams: options.extraParams },
    eval: true,
    strict: true,
    json: true,
    showTrace: options.showTrace,
    env: options.env,
  })
  return JSON.parse(output) as string
}

/** Fails with one clear line when a model file cannot be read. */
export async function checkReadable(file: string, kind: string): Promise<void> {
  try {
    await readFile(file)
  } catch (error) {
    for (const [code, reason] of [
      ['ENOENT', 'does not exist'],
      ['EACCES', 'cannot be read'],
      ['EISDIR', 'is a directory'],
    ] as const) {
      if (hasErrorCode(error, code)) throw new DisnixError('MODEL_NOT_FOUND', `The ${kind}: ${file} ${reason}`)
    }
    throw error
  }
}
