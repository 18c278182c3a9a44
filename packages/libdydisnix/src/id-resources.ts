import { DisnixError } from '@disnix-ts/libmain'
import { childElement, childElements, compareBytes, parseXml, printXml } from '@disnix-ts/libxmlmodel'

export type IdScope = 'global' | 'machine'

/** A pool of numeric IDs (TCP ports, UIDs, ...): `min`..`max`, searched in steps of `step`. */
export interface IdResource {
  min: number
  max: number
  /** global: unique in the whole system; machine: unique on the target the service runs on. */
  scope: IdScope
  step: number
}

/** Resource name → resource. */
export type IdResources = Record<string, IdResource>

const KNOWN = ['min', 'max', 'scope', 'step']

/**
 * Checks an ID resources model (`idresources.nix`, evaluated to plain data) and fills in the defaults
 * (scope global, step 1). Every problem names the model (`label`) and the attribute.
 */
export function checkIdResources(value: unknown, label: string): IdResources {
  if (!isRecord(value)) throw invalid(label, `must be an attribute set of resource name to { min, max, scope, step }, but it is ${describe(value)}`)
  const resources: IdResources = {}
  for (const [name, resource] of Object.entries(value)) {
    const at = `resource \`${name}'`
    if (!isRecord(resource)) throw invalid(label, `${at} must be an attribute set { min, max, scope, step }, but it is ${describe(resource)}`)
    const unknown = Object.keys(resource).filter((k) => !KNOWN.includes(k))
    if (unknown.length > 0) throw invalid(label, `${at}: attribute \`${unknown[0]}' is not known (expected min, max, scope, step)`)
    const integer = (attr: string, fallback?: number): number => {
      const v = resource[attr]
      if (v === undefined && fallback !== undefined) return fallback
      if (v === undefined) throw invalid(label, `${at}: attribute \`${attr}' is missing`)
      if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid(label, `${at}: attribute \`${attr}' must be an integer, but it is ${describe(v)}`)
      return v
    }
    const min = integer('min')
    const max = integer('max')
    if (max < min) throw invalid(label, `${at}: attribute \`max' (${max}) is smaller than \`min' (${min})`)
    const step = integer('step', 1)
    if (step < 1) throw invalid(label, `${at}: attribute \`step' must be at least 1, but it is ${step}`)
    const scope = resource.scope ?? 'global'
    if (scope !== 'global' && scope !== 'machine') throw invalid(label, `${at}: attribute \`scope' must be "global" or "machine", but it is ${describe(scope)}`)
    resources[name] = { min, max, scope, step }
  }
  return resources
}

/** Reads the XML of an ID resources model (`<resources><resource name><min/><max/><scope/>[<step/>]`). */
export function parseIdResourcesXml(text: string, source: string): IdResources {
  const root = parseXml(text, { source, errorCode: 'ID_RESOURCES_INVALID' })
  if (root.name !== 'resources') throw invalid(source, `expected a <resources> root element, found <${root.name}>`)
  const value: Record<string, Record<string, unknown>> = {}
  for (const element of childElements(root, 'resource')) {
    const name = element.attributes.name ?? ''
    const entry: Record<string, unknown> = {}
    for (const attr of KNOWN) {
      const text = childElement(element, attr)?.text.trim()
      if (text === undefined || text === '') continue
      entry[attr] = attr === 'scope' ? text : /^[-+]?\d+$/.test(text) ? Number(text) : text
    }
    value[name] = entry
  }
  return checkIdResources(value, source)
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an attribute set'
  if (typeof value === 'string') return `a string ("${value}")`
  if (typeof value === 'number') return Number.isInteger(value) ? `an integer (${value})` : `a float (${value})`
  if (typeof value === 'boolean') return `a Boolean (${value})`
  return typeof value
}

function invalid(label: string, message: string): DisnixError {
  return new DisnixError('ID_RESOURCES_INVALID', `${label}: ${message}`)
}

/** The XML of an ID resources model. */
export function printIdResourcesXml(resources: IdResources): string {
  return printXml({
    name: 'resources',
    children: Object.keys(resources)
      .sort(compareBytes)
      .map((name) => {
        const r = resources[name]!
        return {
          name: 'resource',
          attributes: [['name', name]],
          inline: true,
          children: [
            { name: 'min', text: String(r.min) },
            { name: 'max', text: String(r.max) },
            { name: 'scope', text: r.scope },
            { name: 'step', text: String(r.step) },
          ],
        }
      }),
  })
}
