import { DisnixError } from '@disnix-ts/libmain'
import { isNixAttrs, nixValueToText, parseNixXml, type NixAttrs, type NixValue } from '@disnix-ts/libxmlmodel'
import type { Infrastructure } from './infrastructure-xml.js'
import type { Target, TargetDefaults } from './target.js'

export interface InfrastructureFromNixOptions extends TargetDefaults {
  /** Names the model in error messages. */
  source?: string
}

/**
 * Reads a normalized infrastructure model as printed by `builtins.toXML` (what
 * `disnix-normalize-infra --raw` prints): `targetName → { properties, containers, system, … }`.
 * Attributes the XML stage does not know (e.g. `meta`) are ignored, as the original's stylesheet does.
 */
export function parseInfrastructureNixXml(text: string, options: InfrastructureFromNixOptions): Infrastructure {
  return infrastructureFromNixValue(parseNixXml(text, { source: options.source }), options)
}

export function infrastructureFromNixValue(value: NixValue, options: InfrastructureFromNixOptions): Infrastructure {
  const source = options.source ?? 'infrastructure model'
  if (!isNixAttrs(value)) throw new DisnixError('INFRASTRUCTURE_INVALID', `${source}: the infrastructure model is not an attribute set`)
  const infrastructure: Infrastructure = {}
  for (const name of Object.keys(value).sort()) {
    const raw = value[name]
    if (!isNixAttrs(raw)) throw new DisnixError('INFRASTRUCTURE_INVALID', `${source}: target: ${name} is not an attribute set`)
    infrastructure[name] = targetFromAttrs(name, raw, options, source)
  }
  return infrastructure
}

function targetFromAttrs(name: string, raw: NixAttrs, defaults: TargetDefaults, source: string): Target {
  const properties = raw.properties ?? {}
  if (!isNixAttrs(properties)) throw new DisnixError('INFRASTRUCTURE_INVALID', `${source}: target: ${name}: properties is not an attribute set`)
  const containers: Record<string, NixAttrs> = {}
  const rawContainers = raw.containers ?? {}
  if (!isNixAttrs(rawContainers)) throw new DisnixError('INFRASTRUCTURE_INVALID', `${source}: target: ${name}: containers is not an attribute set`)
  for (const container of Object.keys(rawContainers).sort()) {
    const properties = rawContainers[container]
    if (!isNixAttrs(properties)) {
      throw new DisnixError('INFRASTRUCTURE_INVALID', `${source}: target: ${name}: container: ${container} is not an attribute set`)
    }
    containers[container] = properties
  }
  const numOfCores = raw.numOfCores
  return {
    name,
    properties,
    containers,
    system: textOf(raw.system) ?? '',
    numOfCores: typeof numOfCores === 'number' ? numOfCores : numOfCores === undefined || numOfCores === null ? 1 : Number(nixValueToText(numOfCores)) || 0,
    clientInterface: textOf(raw.clientInterface) || defaults.clientInterface,
    targetProperty: textOf(raw.targetProperty) || defaults.targetProperty,
  }
}

function textOf(value: NixValue | undefined): string | undefined {
  return value === undefined || value === null ? undefined : nixValueToText(value)
}
