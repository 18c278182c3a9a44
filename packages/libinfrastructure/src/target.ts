import { DisnixError, invalidNameMessage, isValidName } from '@disnix-ts/libmain'
import { nixValueToText, type NixAttrs } from '@disnix-ts/libxmlmodel'

/** A machine of the (normalized) infrastructure model (spec §1.4, §2.4). */
export interface Target {
  /** The attribute name in the infrastructure model (`test1`). */
  name: string
  properties: NixAttrs
  /** Container name → container properties. */
  containers: Record<string, NixAttrs>
  system: string
  numOfCores: number
  clientInterface: string
  /** The name of the property that holds the machine's address. */
  targetProperty: string
}

/** Defaults for the target fields a file or model may leave out. */
export interface TargetDefaults {
  targetProperty: string
  clientInterface: string
}

/**
 * The target key (address) handed to the client interface as `--target`: the value of the property
 * named by the target's `targetProperty`.
 */
export function targetKey(target: Target): string {
  const value = target.properties[target.targetProperty]
  if (value === undefined || value === null) {
    throw new DisnixError(
      'TARGET_INVALID',
      `Target: ${target.name} has no property: ${target.targetProperty}, which its targetProperty names as its address`,
    )
  }
  return nixValueToText(value)
}

/** The target key, or undefined when the target lacks its address property. */
export function findTargetKey(target: Target): string | undefined {
  const value = target.properties[target.targetProperty]
  return value === undefined || value === null ? undefined : nixValueToText(value)
}

/** Problems that make a target unusable (spec §2.2 validation), one message each. */
export function checkTarget(target: Target): string[] {
  const problems: string[] = []
  if (!isValidName(target.name)) problems.push(`Target: ${invalidNameMessage('target', target.name)}`)
  for (const container of Object.keys(target.containers)) {
    if (!isValidName(container)) problems.push(`Target: ${target.name}: ${invalidNameMessage('container', container)}`)
  }
  if (!(target.numOfCores > 0)) problems.push(`Target: ${target.name} must have a numOfCores of at least 1, it has: ${target.numOfCores}`)
  if (target.targetProperty === '') problems.push(`Target: ${target.name} has no targetProperty`)
  else if (target.properties[target.targetProperty] === undefined) {
    problems.push(`Target: ${target.name} has no property: ${target.targetProperty}, which its targetProperty names as its address`)
  }
  if (target.clientInterface === '') problems.push(`Target: ${target.name} has no clientInterface`)
  return problems
}

/** The container properties of a target's container, or undefined when the target does not declare it. */
export function targetContainer(target: Target, container: string): NixAttrs | undefined {
  return Object.hasOwn(target.containers, container) ? target.containers[container] : undefined
}
