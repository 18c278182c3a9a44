import { DisnixError } from '@disnix-ts/libmain'
import { childElement, childElements, compareBytes, parseXml, printNixExpr, printXml, type NixPrintable, type XmlElement, type XmlNode } from '@disnix-ts/libxmlmodel'
import { describe, isRecord } from './id-resources.js'

/**
 * The IDs file (`ids.nix`) that dydisnix-id-assign keeps: the assigned IDs per resource and the last
 * ID handed out (per resource, and per target for machine-scoped resources), so that freed IDs are
 * not reused before the pool wraps around.
 */
export interface IdsConfig {
  /** resource → service → ID. */
  ids: Record<string, Record<string, number>>
  /** resource → last assigned ID (global resources). */
  lastAssignments: Record<string, number>
  /** target → resource → last assigned ID (machine-scoped resources). */
  lastAssignmentsPerTarget: Record<string, Record<string, number>>
  /**
   * resource → service → the target a machine-scoped ID was assigned on. Our addition: with it a
   * service that moves to another machine gets an ID that is free there, and the services that stay
   * keep theirs. Readers that do not know it (the original's) ignore it.
   */
  assignmentTargets: Record<string, Record<string, string>>
}

export function emptyIdsConfig(): IdsConfig {
  return { ids: {}, lastAssignments: {}, lastAssignmentsPerTarget: {}, assignmentTargets: {} }
}

/** Checks an IDs file evaluated to plain data; problems name the file (`label`) and the attribute. */
export function checkIdsConfig(value: unknown, label: string): IdsConfig {
  if (!isRecord(value)) throw invalid(label, `must be an attribute set { ids, lastAssignments, lastAssignmentsPerTarget }, but it is ${describe(value)}`)
  const config = emptyIdsConfig()
  const table = <T>(path: string, v: unknown, leaf: (path: string, x: unknown) => T): Record<string, T> => {
    if (v === undefined) return {}
    if (!isRecord(v)) throw invalid(label, `attribute \`${path}' must be an attribute set, but it is ${describe(v)}`)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, leaf(`${path}.${k}`, x)]))
  }
  const integer = (path: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid(label, `attribute \`${path}' must be an integer, but it is ${describe(v)}`)
    return v
  }
  const text = (path: string, v: unknown): string => {
    if (typeof v !== 'string') throw invalid(label, `attribute \`${path}' must be a target name, but it is ${describe(v)}`)
    return v
  }
  config.ids = table('ids', value.ids, (p, v) => table(p, v, integer))
  config.lastAssignments = table('lastAssignments', value.lastAssignments, integer)
  config.lastAssignmentsPerTarget = table('lastAssignmentsPerTarget', value.lastAssignmentsPerTarget, (p, v) => table(p, v, integer))
  config.assignmentTargets = table('assignmentTargets', value.assignmentTargets, (p, v) => table(p, v, text))
  return config
}

/** Reads the XML form of an IDs file (the original's ids.xsl layout). */
export function parseIdsXml(textValue: string, source: string): IdsConfig {
  const root = parseXml(textValue, { source, errorCode: 'IDS_INVALID' })
  if (root.name !== 'ids') throw invalid(source, `expected an <ids> root element, found <${root.name}>`)
  const children = (element: XmlElement | undefined, tag: string) => (element === undefined ? [] : childElements(element, tag))
  const assignments = (element: XmlElement | undefined, read: (text: string) => unknown = number) =>
    Object.fromEntries(children(element, 'assignment').map((a) => [a.attributes.name ?? '', read(a.text)]))
  const nested = (element: XmlElement | undefined, tag: string, read?: (text: string) => unknown) =>
    Object.fromEntries(children(element, tag).map((e) => [e.attributes.name ?? '', assignments(e, read)]))
  const value: Record<string, unknown> = {
    ids: nested(childElement(root, 'ids'), 'resource'),
    lastAssignments: assignments(childElement(root, 'lastAssignments')),
    lastAssignmentsPerTarget: nested(childElement(root, 'lastAssignmentsPerTarget'), 'target'),
    assignmentTargets: nested(childElement(root, 'assignmentTargets'), 'resource', (t) => t.trim()),
  }
  return checkIdsConfig(value, source)
}

function number(text: string): unknown {
  const trimmed = text.trim()
  return /^[-+]?\d+$/.test(trimmed) ? Number(trimmed) : trimmed
}

/** The IDs file as a Nix expression, attributes sorted; empty sections other than `ids` are left out. */
export function printIdsNix(config: IdsConfig): string {
  const value: Record<string, NixPrintable> = { ids: sortedDeep(config.ids) }
  if (Object.keys(config.lastAssignments).length > 0) value.lastAssignments = sortedDeep(config.lastAssignments)
  if (Object.keys(config.lastAssignmentsPerTarget).length > 0) value.lastAssignmentsPerTarget = sortedDeep(config.lastAssignmentsPerTarget)
  if (Object.keys(config.assignmentTargets).length > 0) value.assignmentTargets = sortedDeep(config.assignmentTargets)
  return `${printNixExpr(value)}\n`
}

/** The IDs file as XML (--output-xml). */
export function printIdsXml(config: IdsConfig): string {
  const assignment = (name: string, value: number | string): XmlNode => ({ name: 'assignment', attributes: [['name', name]], text: String(value) })
  const section = (name: string, tag: string, table: Record<string, Record<string, number | string>>): XmlNode => ({
    name,
    children: sortedKeys(table).map((k) => ({ name: tag, attributes: [['name', k]], children: sortedKeys(table[k]!).map((s) => assignment(s, table[k]![s]!)) })),
  })
  const children: XmlNode[] = [section('ids', 'resource', config.ids)]
  if (Object.keys(config.lastAssignments).length > 0) {
    children.push({ name: 'lastAssignments', children: sortedKeys(config.lastAssignments).map((k) => assignment(k, config.lastAssignments[k]!)) })
  }
  if (Object.keys(config.lastAssignmentsPerTarget).length > 0) children.push(section('lastAssignmentsPerTarget', 'target', config.lastAssignmentsPerTarget))
  if (Object.keys(config.assignmentTargets).length > 0) children.push(section('assignmentTargets', 'resource', config.assignmentTargets))
  return printXml({ name: 'ids', children })
}

function sortedKeys(record: Record<string, unknown>): string[] {
  return Object.keys(record).sort(compareBytes)
}

function sortedDeep(value: Record<string, unknown>): { [name: string]: NixPrintable } {
  return Object.fromEntries(sortedKeys(value).map((k) => {
    const v = value[k]
    return [k, isRecord(v) ? sortedDeep(v) : (v as NixPrintable)]
  }))
}

function invalid(label: string, message: string): DisnixError {
  return new DisnixError('IDS_INVALID', `${label}: ${message}`)
}
