import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { DisnixError, nixExprDir } from '@disnix-ts/libmain'
import { nixEvalJson } from '@disnix-ts/libnix'
import { checkIdResources, parseIdResourcesXml, type IdResources } from './id-resources.js'
import { checkIdsConfig, parseIdsXml, type IdsConfig } from './ids-config.js'
import { checkDocsConfig, type DocsConfig } from './docs-config.js'
import { checkReadable } from './load-models.js'

export interface PlainModelOptions {
  xml?: boolean
  env?: NodeJS.ProcessEnv
  showTrace?: boolean
}

/** The ID resources model (`idresources.nix`, or its XML with `xml`), checked. */
export async function loadIdResources(file: string, options: PlainModelOptions = {}): Promise<IdResources> {
  await checkReadable(file, 'ID resources model')
  const label = `ID resources model ${file}`
  if (options.xml) return parseIdResourcesXml(await readFile(file, 'utf8'), label)
  return checkIdResources(await plainModel(file, label, options), label)
}

/** An IDs file (`ids.nix` as dydisnix-id-assign writes it, or its XML with `xml`), checked. */
export async function loadIdsConfig(file: string, options: PlainModelOptions = {}): Promise<IdsConfig> {
  await checkReadable(file, 'IDs file')
  const label = `IDs file ${file}`
  if (options.xml) return parseIdsXml(await readFile(file, 'utf8'), label)
  return checkIdsConfig(await plainModel(file, label, options), label)
}

async function plainModel(file: string, label: string, options: PlainModelOptions): Promise<unknown> {
  const result = (await nixEvalJson({
    file: join(nixExprDir(), 'dydisnix', 'plain-model.nix'),
    argstrs: { file: resolve(file) },
    env: options.env,
    showTrace: options.showTrace,
  })) as { type: string; value: unknown }
  if (result.type === 'lambda') throw new DisnixError('MODELS_INVALID', `${label}: must be an attribute set, but it is a function`)
  return result.value
}

/** The settings of the services catalogue (`docs.nix`, or its JSON-like data), checked. */
export async function loadDocsConfig(file: string, options: PlainModelOptions = {}): Promise<DocsConfig> {
  await checkReadable(file, 'docs configuration')
  const label = `docs configuration ${file}`
  return checkDocsConfig(await plainModel(file, label, options), label)
}
